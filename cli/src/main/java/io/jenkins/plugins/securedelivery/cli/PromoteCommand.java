package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.approval.ApprovalRecord;
import io.jenkins.plugins.securedelivery.gitops.CommitSigning;
import io.jenkins.plugins.securedelivery.gitops.GitOpsException;
import io.jenkins.plugins.securedelivery.gitops.ImagePin;
import io.jenkins.plugins.securedelivery.gitops.OverlayEditor;
import io.jenkins.plugins.securedelivery.gitops.Promotion;
import io.jenkins.plugins.securedelivery.gitops.PromotionResult;
import io.jenkins.plugins.securedelivery.signing.KeyFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code secure-delivery promote}: one commit to the environment's overlay, pinning every image of a release by digest. */
@Command(name = "promote", mixinStandardHelpOptions = true,
        description = {"Promote a release to an environment: one commit to its kustomize overlay in the GitOps repository, pushed.",
                "All images move in one commit; a rejected push (someone pushed first) is retried on top; promoting what is",
                "already there commits nothing. Prints the commit."})
final class PromoteCommand implements Callable<Integer> {

    @Spec CommandSpec spec;
    @Mixin GitOpsOptions gitops;

    @Option(names = "--image", paramLabel = "NAME=REF@sha256:HEX", description = "An image of the release (repeatable); NAME as the overlay knows it.")
    List<String> images = new ArrayList<>();

    @Option(names = "--from", paramLabel = "ENV", description = "Promote exactly the digests environment ENV runs (e.g. staging to prod).")
    String from;

    @Option(names = "--add-missing", description = "Add an image the overlay does not mention yet, instead of failing.")
    boolean addMissing;

    @Option(names = "--source-repo", paramLabel = "URL", description = "The application repository that was built.")
    String sourceRepository;

    @Option(names = "--source-commit", paramLabel = "SHA", description = "The application commit that was built.")
    String sourceCommit;

    @Option(names = "--source-committed-at", paramLabel = "RFC3339", description = "When that commit was made (lead time for changes starts here).")
    Instant sourceCommittedAt;

    @Option(names = "--run-url", paramLabel = "URL", description = "The pipeline run that promotes.")
    String runUrl;

    @Option(names = "--approver", paramLabel = "USER", description = "Who approved (repeatable).")
    List<String> approvers = new ArrayList<>();

    @Option(names = "--approval", paramLabel = "FILE", description = "A signed approval record (secure-delivery approval check --out): "
            + "the promotion goes ahead only if it approves these digests for this environment and has not expired; its approvers "
            + "become the Approved-By trailers. Needs --approval-key.")
    Path approval;

    @Option(names = "--approval-key", paramLabel = "FILE", description = "Public key that signed the approval record.")
    Path approvalKey;

    @Option(names = "--author", paramLabel = "NAME <EMAIL>", description = "Author and committer of the commit. Default: secure-delivery <secure-delivery@localhost>.")
    String author;

    @Mixin
    CommitSigningOptions signing;

    @Override
    public Integer call() throws Exception {
        if (images.isEmpty() == (from == null)) {
            throw new GitOpsException("promote", images.isEmpty() ? "nothing to promote" : "--image and --from were both given",
                    "give the release's images with --image NAME=REF@sha256:<hex>, or --from ENV");
        }
        Promotion promotion = gitops.configure(new Promotion());
        if (from != null) {
            promotion.from(from, OverlayEditor::current);
        } else {
            List<ImagePin> pins = new ArrayList<>();
            for (String image : images) {
                try {
                    pins.add(ImagePin.parse(image));
                } catch (IllegalArgumentException e) {
                    throw new GitOpsException("--image " + image, e.getMessage(), "write NAME=REF@sha256:<64 hex>");
                }
            }
            promotion.images(pins);
        }
        ApprovalRecord record = approvalRecord();
        if (record != null) {
            approvers = record.approvers();
        }
        // The check runs on the pins actually promoted (with --from they are read from the checkout), before anything is committed.
        promotion.editor(pins -> {
            if (record != null) {
                record.checkCovers(approval.toString(), gitops.environment, pins.stream().map(ImagePin::digest).toList(), Instant.now());
            }
            return new OverlayEditor(pins, addMissing);
        })
                .sourceRepository(sourceRepository).sourceCommit(sourceCommit).sourceCommittedAt(sourceCommittedAt)
                .runUrl(runUrl).approvers(approvers);
        Authors.apply(author, promotion::author);
        CommitSigning commitSigning = signing.signing();
        if (commitSigning != null) {
            promotion.signing(commitSigning);
        }
        PromotionResult result = promotion.call();
        spec.commandLine().getErr().println(result.summary());
        spec.commandLine().getOut().println(result.commit());
        return 0;
    }

    private ApprovalRecord approvalRecord() throws IOException {
        if (approval == null) {
            if (approvalKey != null) {
                throw new GitOpsException("--approval-key " + approvalKey, "was given without --approval", "give the approval record too");
            }
            return null;
        }
        if (approvalKey == null) {
            throw new GitOpsException("--approval " + approval, "cannot be trusted without the signer's public key", "add --approval-key FILE");
        }
        if (!approvers.isEmpty()) {
            throw new GitOpsException("--approver", "was given with --approval", "let the approval record name the approvers");
        }
        return ApprovalRecord.verify(approval.toString(), Files.readAllBytes(approval), KeyFiles.readVerificationKey(approvalKey));
    }
}
