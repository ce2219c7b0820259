package io.jenkins.plugins.securedelivery.plugin.steps;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.securedelivery.approval.ApprovalRecord;
import io.jenkins.plugins.securedelivery.gitops.ImagePin;
import io.jenkins.plugins.securedelivery.gitops.OverlayEditor;
import io.jenkins.plugins.securedelivery.gitops.Promotion;
import io.jenkins.plugins.securedelivery.signing.KeyFiles;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code def commit = promoteOverlay(environment: 'staging', images: ["app=${registry}/app@${digest}"])}: one commit to
 * the environment's kustomize overlay pinning every image of the release by digest, pushed (retried on top of a
 * concurrent push); returns the commit. Promoting what already runs commits nothing and returns the current commit.
 * With {@code approval: 'approval-prod.json'} (the signed record requestApproval wrote) and
 * {@code approvalPublicKeyCredentialsId}, the promotion goes ahead only if the record's signature verifies and it approves
 * every promoted digest for this environment and has not expired, as the CLI's {@code promote --approval} does; its
 * approvers become the commit's Approved-By trailers.
 */
public final class PromoteOverlayStep extends GitOpsStep {

    private List<String> images = new ArrayList<>();
    private String from;
    private boolean addMissing;
    private String sourceRepository;
    private String sourceCommit;
    private String sourceCommittedAt;
    private List<String> approvers = new ArrayList<>();
    private String approval;
    private String approvalPublicKeyCredentialsId;
    private String author;

    @DataBoundConstructor
    public PromoteOverlayStep(String environment) {
        super(environment);
    }

    public List<String> getImages() {
        return List.copyOf(images);
    }

    /** NAME=REF@sha256:HEX, NAME as the overlay knows the image. */
    @DataBoundSetter
    public void setImages(List<String> images) {
        this.images = images == null ? new ArrayList<>() : new ArrayList<>(images);
    }

    public String getFrom() {
        return from;
    }

    /** Promote exactly the digests this other environment runs (e.g. staging to prod), instead of images. */
    @DataBoundSetter
    public void setFrom(String from) {
        this.from = Util.fixEmptyAndTrim(from);
    }

    public boolean isAddMissing() {
        return addMissing;
    }

    @DataBoundSetter
    public void setAddMissing(boolean addMissing) {
        this.addMissing = addMissing;
    }

    public String getSourceRepository() {
        return sourceRepository;
    }

    @DataBoundSetter
    public void setSourceRepository(String sourceRepository) {
        this.sourceRepository = Util.fixEmptyAndTrim(sourceRepository);
    }

    public String getSourceCommit() {
        return sourceCommit;
    }

    @DataBoundSetter
    public void setSourceCommit(String sourceCommit) {
        this.sourceCommit = Util.fixEmptyAndTrim(sourceCommit);
    }

    public String getSourceCommittedAt() {
        return sourceCommittedAt;
    }

    /** When the source commit was made, RFC 3339: lead time for changes starts there. */
    @DataBoundSetter
    public void setSourceCommittedAt(String sourceCommittedAt) {
        this.sourceCommittedAt = Util.fixEmptyAndTrim(sourceCommittedAt);
    }

    public List<String> getApprovers() {
        return List.copyOf(approvers);
    }

    @DataBoundSetter
    public void setApprovers(List<String> approvers) {
        this.approvers = approvers == null ? new ArrayList<>() : new ArrayList<>(approvers);
    }

    public String getApproval() {
        return approval;
    }

    /** A signed approval record in the workspace (requestApproval's approval-ENV.json); needs approvalPublicKeyCredentialsId. */
    @DataBoundSetter
    public void setApproval(String approval) {
        this.approval = Util.fixEmptyAndTrim(approval);
    }

    public String getApprovalPublicKeyCredentialsId() {
        return approvalPublicKeyCredentialsId;
    }

    /** A secret file credential holding the public key of the signing profile that signed the approval record. */
    @DataBoundSetter
    public void setApprovalPublicKeyCredentialsId(String approvalPublicKeyCredentialsId) {
        this.approvalPublicKeyCredentialsId = Util.fixEmptyAndTrim(approvalPublicKeyCredentialsId);
    }

    public String getAuthor() {
        return author;
    }

    /** Author and committer, "Name <email>"; by default secure-delivery. */
    @DataBoundSetter
    public void setAuthor(String author) {
        this.author = Util.fixEmptyAndTrim(author);
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, this);
    }

    record Request(GitAccess git, List<String> images, String from, boolean addMissing, String sourceRepository,
                   String sourceCommit, Instant sourceCommittedAt, String runUrl, List<String> approvers, String approval,
                   String approvalKeyName, byte[] approvalKey, String author)
            implements Serializable {
    }

    static final class Execution extends AgentStepExecution {
        private static final long serialVersionUID = 1L;
        private final transient PromoteOverlayStep step;

        Execution(StepContext context, PromoteOverlayStep step) {
            super(context);
            this.step = step;
        }

        @Override
        Object run(Run<?, ?> run, FilePath workspace, TaskListener listener) throws Exception {
            if (step.images.isEmpty() == (step.from == null)) {
                throw new AbortException("promoteOverlay: " + (step.images.isEmpty() ? "nothing to promote" : "images: and from: were both given")
                        + ": give the release's images as images: ['NAME=REF@sha256:<hex>'], or from: 'ENV'");
            }
            for (String image : step.images) {
                try {
                    ImagePin.parse(image);
                } catch (IllegalArgumentException e) {
                    throw new AbortException("promoteOverlay: images: " + e.getMessage());
                }
            }
            Instant committedAt = null;
            if (step.sourceCommittedAt != null) {
                try {
                    committedAt = Instant.parse(step.sourceCommittedAt);
                } catch (DateTimeParseException e) {
                    throw new AbortException("sourceCommittedAt: '" + step.sourceCommittedAt + "' is not an RFC 3339 time such as 2026-11-24T10:15:30Z");
                }
            }
            ReleaseCommits.checkAuthor(step.author);
            byte[] approvalKey = null;
            String approvalKeyName = null;
            if (step.approval != null || step.approvalPublicKeyCredentialsId != null) {
                if (step.approval == null) {
                    throw new AbortException("promoteOverlay: approvalPublicKeyCredentialsId was given without approval: "
                            + "give approval: 'approval-" + step.getEnvironment() + ".json' (the record requestApproval wrote) too");
                }
                if (step.approvalPublicKeyCredentialsId == null) {
                    throw new AbortException("promoteOverlay: approval: '" + step.approval + "' cannot be trusted without its signer's public key: "
                            + "add approvalPublicKeyCredentialsId: '<secret file with the signing profile's public key>'");
                }
                if (!step.approvers.isEmpty()) {
                    throw new AbortException("promoteOverlay: approvers: was given with approval: let the approval record name the approvers");
                }
                FileCredentials key = StepCredentials.find(run, step.approvalPublicKeyCredentialsId, FileCredentials.class, "approval public key");
                approvalKey = StepCredentials.content(key);
                approvalKeyName = "credentials '" + step.approvalPublicKeyCredentialsId + "' (" + key.getFileName() + ")";
            }
            EnvVars env = getContext().get(EnvVars.class);
            String sourceRepository = step.sourceRepository != null ? step.sourceRepository : env == null ? null : env.get("GIT_URL");
            String sourceCommit = step.sourceCommit != null ? step.sourceCommit : env == null ? null : env.get("GIT_COMMIT");
            GitAccess git = step.git(run);
            Request request = new Request(git, List.copyOf(step.images), step.from, step.addMissing, sourceRepository,
                    sourceCommit, committedAt, ReleaseCommits.runUrl(run), List.copyOf(step.approvers), step.approval, approvalKeyName,
                    approvalKey, step.author);
            ReleaseCommits.Outcome outcome = workspace.act(new Promote(request, listener));
            ReleaseCommits.record(run, git, outcome);
            return outcome.commit();
        }
    }

    static final class Promote extends AgentWork<ReleaseCommits.Outcome> {
        private static final long serialVersionUID = 1L;
        private final Request request;

        Promote(Request request, TaskListener listener) {
            super(listener);
            this.request = request;
        }

        @Override
        ReleaseCommits.Outcome work(File workspace) throws IOException {
            try (SecretFiles files = new SecretFiles()) {
                Promotion promotion = request.git().configure(new Promotion(), workspace, files);
                if (request.from() != null) {
                    promotion.from(request.from(), OverlayEditor::current);
                } else {
                    List<ImagePin> pins = new ArrayList<>();
                    request.images().forEach(image -> pins.add(ImagePin.parse(image)));
                    promotion.images(pins);
                }
                ApprovalRecord record = approvalRecord(workspace);
                // The check runs on the pins actually promoted (with from: they are read from the checkout), before anything is committed.
                promotion.editor(pins -> {
                    if (record != null) {
                        record.checkCovers(request.approval(), request.git().environment(), pins.stream().map(ImagePin::digest).toList(), Instant.now());
                    }
                    return new OverlayEditor(pins, request.addMissing());
                })
                        .sourceRepository(request.sourceRepository()).sourceCommit(request.sourceCommit())
                        .sourceCommittedAt(request.sourceCommittedAt()).runUrl(request.runUrl())
                        .approvers(record != null ? record.approvers() : request.approvers());
                ReleaseCommits.applyAuthor(promotion, request.author());
                ReleaseCommits.Outcome outcome = ReleaseCommits.Outcome.of(promotion.call());
                listener.getLogger().println(outcome.summary());
                return outcome;
            }
        }

        /** The approval record, verified against the signer's key; null when the step was given none. */
        private ApprovalRecord approvalRecord(File workspace) throws IOException {
            if (request.approval() == null) {
                return null;
            }
            Path file = workspace.toPath().resolve(request.approval());
            byte[] envelope;
            try {
                envelope = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                throw new AbortException("approval: '" + request.approval() + "' is not in the workspace (" + file
                        + "): give the file requestApproval wrote, in the same workspace");
            }
            ApprovalRecord record = ApprovalRecord.verify(request.approval(), envelope,
                    KeyFiles.readVerificationKey(request.approvalKeyName(), request.approvalKey()));
            listener.getLogger().println("Approval record " + request.approval() + " verified with " + request.approvalKeyName()
                    + ": " + record.request().environment() + " approved by " + String.join(", ", record.approvers()));
            return record;
        }
    }

    @Extension
    @Symbol("promoteOverlay")
    public static final class DescriptorImpl extends DeliveryStepDescriptor {
        @Override
        public String getFunctionName() {
            return "promoteOverlay";
        }

        @Override
        public String getDisplayName() {
            return "Promote a release to an environment by a GitOps commit";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return AgentStepExecution.CONTEXT;
        }
    }
}
