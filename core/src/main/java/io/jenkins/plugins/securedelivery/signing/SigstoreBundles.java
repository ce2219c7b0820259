package io.jenkins.plugins.securedelivery.signing;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.sigstore.proto.bundle.v1.Bundle;
import dev.sigstore.proto.bundle.v1.VerificationMaterial;
import dev.sigstore.proto.common.v1.PublicKeyIdentifier;
import io.intoto.EnvelopeOuterClass.Envelope;
import io.intoto.EnvelopeOuterClass.Signature;
import java.nio.charset.StandardCharsets;

/**
 * Sigstore bundles v0.3 with a DSSE envelope and a public-key hint, written and read with the protobuf classes
 * sigstore-java ships (its own BundleReader refuses public-key bundles, and it has no API to sign with a given key).
 */
final class SigstoreBundles {

    static final String MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

    private SigstoreBundles() {}

    /** The bundle JSON: the statement in a DSSE envelope signed (over its PAE) with {@code key}. */
    static byte[] write(SigningKey key, byte[] statement) {
        byte[] signature = key.sign(Dsse.pae(InTotoStatement.PAYLOAD_TYPE, statement));
        Bundle bundle = Bundle.newBuilder()
                .setMediaType(MEDIA_TYPE)
                .setVerificationMaterial(VerificationMaterial.newBuilder()
                        .setPublicKey(PublicKeyIdentifier.newBuilder().setHint(key.verificationKey().hint())))
                .setDsseEnvelope(Envelope.newBuilder()
                        .setPayload(ByteString.copyFrom(statement))
                        .setPayloadType(InTotoStatement.PAYLOAD_TYPE)
                        .addSignatures(Signature.newBuilder().setSig(ByteString.copyFrom(signature))))
                .build();
        try {
            return JsonFormat.printer().print(bundle).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses bundle JSON; fields a newer producer adds are ignored, as protobuf readers do. */
    static Bundle read(byte[] json) throws InvalidProtocolBufferException {
        Bundle.Builder builder = Bundle.newBuilder();
        JsonFormat.parser().ignoringUnknownFields().merge(new String(json, StandardCharsets.UTF_8), builder);
        return builder.build();
    }
}
