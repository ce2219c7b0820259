package io.jenkins.plugins.securedelivery.signing.keyless;

import dev.sigstore.KeylessVerificationException;
import dev.sigstore.VerificationOptions;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.dsse.InTotoPayload;
import dev.sigstore.encryption.certificates.Certificates;
import dev.sigstore.encryption.signers.Verifiers;
import dev.sigstore.fulcio.client.FulcioVerifier;
import dev.sigstore.rekor.client.RekorVerifier;
import dev.sigstore.trustroot.SigstoreTrustedRoot;
import io.jenkins.plugins.securedelivery.signing.keyless.KeylessVerdict.Check;
import io.jenkins.plugins.securedelivery.signing.keyless.KeylessVerdict.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;

/**
 * Verifies keyless Sigstore bundles offline against a trusted_root.json and a {@link KeylessPolicy}, with
 * sigstore-java. Each check is made on its own so that the verdict says which failed and why; sigstore-java's
 * {@code KeylessVerifier} also runs over the whole bundle and must pass too, so a verdict never passes on our
 * reading alone.
 *
 * <p>Usage: {@code KeylessVerifier.fromTrustedRoot(path).verify(bundleJson, "sha256:<manifest digest>", policy)}.
 */
public final class KeylessVerifier {

    /** Fulcio's issuer extension (v2, DER UTF8String) and its deprecated raw-string predecessor. */
    private static final String ISSUER_V2 = "1.3.6.1.4.1.57264.1.8";
    private static final String ISSUER_V1 = "1.3.6.1.4.1.57264.1.1";
    private static final Pattern SHA256 = Pattern.compile("sha256:([0-9a-f]{64})");

    private final dev.sigstore.KeylessVerifier sigstore;
    private final FulcioVerifier fulcio;
    private final RekorVerifier rekor;

    private KeylessVerifier(SigstoreTrustedRoot trustedRoot) throws GeneralSecurityException,
            dev.sigstore.trustroot.SigstoreConfigurationException {
        this.sigstore = dev.sigstore.KeylessVerifier.builder().trustedRootProvider(() -> trustedRoot).build();
        this.fulcio = FulcioVerifier.newFulcioVerifier(trustedRoot);
        this.rekor = RekorVerifier.newRekorVerifier(trustedRoot);
    }

    /** A verifier trusting the Fulcio CAs, CT logs and Rekor logs of this trusted_root.json (no network). */
    public static KeylessVerifier fromTrustedRoot(Path trustedRootJson) {
        try {
            return new KeylessVerifier(TrustedRootFile.read(trustedRootJson));
        } catch (GeneralSecurityException | dev.sigstore.trustroot.SigstoreConfigurationException e) {
            throw new KeylessInputException(trustedRootJson.toString(),
                    "its keys or certificates cannot be used (" + e.getMessage() + ")",
                    "Give the trusted_root.json your Sigstore deployment publishes", e);
        }
    }

    /**
     * Verifies a bundle for an artifact.
     *
     * @param bundleJson     the Sigstore bundle, JSON bytes
     * @param artifactDigest {@code sha256:<hex>}: the image manifest digest, or the digest of a blob
     * @param policy         who must have signed
     */
    public KeylessVerdict verify(byte[] bundleJson, String artifactDigest, KeylessPolicy policy) {
        var hex = artifactDigest == null ? null : SHA256.matcher(artifactDigest);
        if (hex == null || !hex.matches()) {
            throw new KeylessInputException("artifact digest", "'" + artifactDigest + "' is not a sha256 digest",
                    "Give it as sha256: followed by 64 lower-case hex digits (resolve a tag to its digest first)");
        }
        byte[] digest = HexFormat.of().parseHex(hex.group(1));
        List<Check> checks = new ArrayList<>();

        Bundle bundle;
        try {
            bundle = Bundle.from(new InputStreamReader(new ByteArrayInputStream(bundleJson), StandardCharsets.UTF_8));
            checks.add(new Check(Kind.BUNDLE, true, "a keyless Sigstore bundle", bundle.getMediaType()));
        } catch (Exception e) {
            checks.add(new Check(Kind.BUNDLE, false, "a keyless Sigstore bundle", "unreadable: " + e.getMessage()));
            return new KeylessVerdict(checks);
        }
        X509Certificate leaf = Certificates.getLeaf(bundle.getCertPath());

        checks.add(certificateChain(bundle));
        String san = identityOf(leaf);
        checks.add(new Check(Kind.IDENTITY, san != null && policy.identity().matcher(san).matches(),
                "identity matching /" + policy.identity() + "/", san == null ? "no e-mail or URI identity" : san));
        String issuer = issuerOf(leaf);
        checks.add(new Check(Kind.ISSUER, policy.issuer().equals(issuer), "issuer " + policy.issuer(),
                issuer == null ? "no Fulcio issuer extension" : issuer));
        checks.add(transparencyLog(bundle));
        checks.add(signature(bundle, leaf, digest, artifactDigest));
        try {
            sigstore.verify(digest, bundle, VerificationOptions.empty());
            checks.add(new Check(Kind.SIGSTORE, true, "sigstore-java verification", "verified"));
        } catch (KeylessVerificationException | RuntimeException e) {
            checks.add(new Check(Kind.SIGSTORE, false, "sigstore-java verification", reason(e)));
        }
        return new KeylessVerdict(checks);
    }

    private Check certificateChain(Bundle bundle) {
        String expected = "a certificate issued by a Fulcio CA of the trusted root, with valid SCTs";
        try {
            fulcio.verifySigningCertificate(bundle.getCertPath());
            return new Check(Kind.CERTIFICATE_CHAIN, true, expected, "chains to the trusted root");
        } catch (Exception e) {
            return new Check(Kind.CERTIFICATE_CHAIN, false, expected, reason(e));
        }
    }

    private Check transparencyLog(Bundle bundle) {
        String expected = "a Rekor entry proven by a log key of the trusted root";
        if (bundle.getEntries().isEmpty()) {
            return new Check(Kind.TRANSPARENCY_LOG, false, expected, "no transparency log entry in the bundle");
        }
        var entry = bundle.getEntries().get(0);
        try {
            rekor.verifyEntry(entry);
            return new Check(Kind.TRANSPARENCY_LOG, true, expected, "log index " + entry.getLogIndex()
                    + " integrated at " + entry.getIntegratedTimeInstant());
        } catch (Exception e) {
            return new Check(Kind.TRANSPARENCY_LOG, false, expected, reason(e));
        }
    }

    private static Check signature(Bundle bundle, X509Certificate leaf, byte[] digest, String artifactDigest) {
        try {
            var verifier = Verifiers.newVerifier(leaf.getPublicKey());
            if (bundle.getMessageSignature().isPresent()) {
                var message = bundle.getMessageSignature().get();
                String expected = "a signature over " + artifactDigest;
                if (message.getMessageDigest().isPresent()
                        && !Arrays.equals(message.getMessageDigest().get().getDigest(), digest)) {
                    return new Check(Kind.SIGNATURE, false, expected, "a signature over sha256:"
                            + HexFormat.of().formatHex(message.getMessageDigest().get().getDigest()));
                }
                boolean valid = verifier.verifyDigest(digest, message.getSignature());
                return new Check(Kind.SIGNATURE, valid, expected,
                        valid ? "valid with the certificate's key" : "a signature that does not verify over it");
            }
            var envelope = bundle.getDsseEnvelope().orElseThrow();
            String expected = "a DSSE in-toto statement with subject " + artifactDigest;
            if (!InTotoPayload.PAYLOAD_TYPE.equals(envelope.getPayloadType())) {
                return new Check(Kind.SIGNATURE, false, expected, "payload type " + envelope.getPayloadType());
            }
            var subjects = InTotoPayload.from(envelope).getSubject().stream()
                    .map(s -> "sha256:" + s.getDigest().getOrDefault("sha256", "(none)")).toList();
            if (!subjects.contains(artifactDigest)) {
                return new Check(Kind.SIGNATURE, false, expected, "subjects " + subjects);
            }
            boolean valid = envelope.getSignatures().size() == 1 && verifier.verify(envelope.getPAE(), envelope.getSignature());
            return new Check(Kind.SIGNATURE, valid, expected, valid ? "valid with the certificate's key"
                    : envelope.getSignatures().size() + " signature(s), not one valid with the certificate's key");
        } catch (Exception e) {
            return new Check(Kind.SIGNATURE, false, "a valid signature", reason(e));
        }
    }

    /** The certificate's single e-mail or URI subject alternative name, as Fulcio writes it. */
    private static String identityOf(X509Certificate leaf) {
        try {
            var names = leaf.getSubjectAlternativeNames();
            if (names == null) {
                return null;
            }
            return names.stream().filter(n -> (Integer) n.get(0) == 1 || (Integer) n.get(0) == 6)
                    .map(n -> (String) n.get(1)).findFirst().orElse(null);
        } catch (Exception e) {
            return null;
        }
    }

    private static String issuerOf(X509Certificate leaf) {
        try {
            byte[] v2 = leaf.getExtensionValue(ISSUER_V2);
            if (v2 != null) {
                var inner = ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(v2).getOctets());
                return ((ASN1String) inner).getString();
            }
            byte[] v1 = leaf.getExtensionValue(ISSUER_V1);
            return v1 == null ? null
                    : new String(ASN1OctetString.getInstance(v1).getOctets(), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String reason(Throwable e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e.getCause() != null && e.getCause().getMessage() != null && !reason.contains(e.getCause().getMessage())) {
            reason += " (" + e.getCause().getMessage() + ")";
        }
        return reason;
    }

    /** Reading a trusted_root.json, shared by the signer and the verifier. */
    static final class TrustedRootFile {
        private TrustedRootFile() {}

        static SigstoreTrustedRoot read(Path file) {
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new KeylessInputException(file.toString(), "the trusted root file does not exist or cannot be read",
                        "Give the path of the trusted_root.json your Sigstore deployment publishes");
            }
            try (InputStream in = Files.newInputStream(file)) {
                return SigstoreTrustedRoot.from(in);
            } catch (IOException | dev.sigstore.trustroot.SigstoreConfigurationException | RuntimeException e) {
                throw new KeylessInputException(file.toString(), "is not a Sigstore trusted root (" + reason(e) + ")",
                        "Give the trusted_root.json (media type application/vnd.dev.sigstore.trustedroot+json)", e);
            }
        }
    }
}
