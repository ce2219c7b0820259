package io.jenkins.plugins.securedelivery.signing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The verdict on one image: every item found, and whether the image passes. The policy, fail closed:
 * <ol>
 *   <li>at least one signature (legacy or bundle) is OK;</li>
 *   <li>no item is FAILED: a signature or attestation that claims this image and does not verify is an attack or
 *       damage, never noise to skip;</li>
 *   <li>every required predicate type has at least one OK attestation.</li>
 * </ol>
 * SKIPPED items (keyless ones for a key verifier, bundles naming another key) count neither way. Nothing found is a
 * failure, never a pass.
 *
 * @param imageDigest            the image verified
 * @param items                  what was found, in the order checked
 * @param requiredPredicateTypes attestation types that had to be present and verified
 * @param passed                 the verdict
 * @param reasons                why it passed or failed, one sentence per rule decided
 */
public record VerificationReport(String imageDigest, List<VerifiedItem> items, Set<String> requiredPredicateTypes,
                                 boolean passed, List<String> reasons) {

    public VerificationReport {
        items = List.copyOf(items);
        requiredPredicateTypes = Set.copyOf(requiredPredicateTypes);
        reasons = List.copyOf(reasons);
    }

    /** Applies the policy above to the items (from one verifier or several: key-based and keyless). */
    public static VerificationReport of(String imageDigest, List<VerifiedItem> items, Set<String> requiredPredicateTypes) {
        List<String> reasons = new ArrayList<>();
        boolean passed = true;
        long signatures = items.stream().filter(i -> i.isSignature() && i.status() == VerifiedItem.Status.OK).count();
        if (signatures == 0) {
            passed = false;
            reasons.add(items.isEmpty() ? "no signature or attestation was found for " + imageDigest
                    : "none of the " + items.size() + " items found is a verified signature of " + imageDigest);
        } else {
            reasons.add(signatures + " signature(s) verified");
        }
        long failed = items.stream().filter(i -> i.status() == VerifiedItem.Status.FAILED).count();
        if (failed > 0) {
            passed = false;
            reasons.add(failed + " item(s) FAILED verification; a bad signature or attestation for this image is never ignored");
        }
        for (String type : new TreeSet<>(requiredPredicateTypes)) {
            boolean present = items.stream().anyMatch(i -> i.kind() == VerifiedItem.Kind.ATTESTATION
                    && i.status() == VerifiedItem.Status.OK && type.equals(i.predicateType()));
            if (!present) {
                passed = false;
                reasons.add("required attestation " + type + " is missing or did not verify");
            } else {
                reasons.add("required attestation " + type + " verified");
            }
        }
        return new VerificationReport(imageDigest, items, requiredPredicateTypes, passed, reasons);
    }

    /** The report as lines for a terminal or a build log. */
    public String summary() {
        StringBuilder out = new StringBuilder((passed ? "PASSED" : "FAILED") + " verification of " + imageDigest + "\n");
        items.forEach(i -> out.append("  ").append(i).append('\n'));
        reasons.forEach(r -> out.append("  - ").append(r).append('\n'));
        return out.toString();
    }
}
