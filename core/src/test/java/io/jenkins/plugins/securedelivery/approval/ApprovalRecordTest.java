package io.jenkins.plugins.securedelivery.approval;

import static io.jenkins.plugins.securedelivery.approval.ApprovalEvaluationTest.ASKED;
import static io.jenkins.plugins.securedelivery.approval.ApprovalEvaluationTest.approve;
import static io.jenkins.plugins.securedelivery.approval.ApprovalEvaluationTest.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.securedelivery.signing.DsseEnvelope;
import io.jenkins.plugins.securedelivery.signing.KeyFiles;
import io.jenkins.plugins.securedelivery.signing.PasswordSource;
import io.jenkins.plugins.securedelivery.signing.SigningInputException;
import io.jenkins.plugins.securedelivery.signing.SigningKey;
import io.jenkins.plugins.securedelivery.signing.VerificationKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApprovalRecordTest {

    @TempDir
    Path temp;
    SigningKey key;
    VerificationKey publicKey;
    final ApprovalPolicy policy = ApprovalEvaluationTest.policy(false);
    final Instant now = ASKED.plusSeconds(3600);

    @BeforeEach
    void generateKey() {
        KeyFiles.GeneratedKeyPair pair = KeyFiles.generate(temp, "approvals", PasswordSource.none());
        key = KeyFiles.readSigningKey(pair.privateKeyFile(), PasswordSource.none());
        publicKey = pair.verificationKey();
    }

    ApprovalRecord approvedRecord() {
        return ApprovalRecord.approved(policy, request("CHG-1234"), List.of(approve("alice", 10, "cab"), approve("bob", 20, "cab")), now);
    }

    @Test
    void anApprovedRequestIsSignedAndVerifiesWithThePublicKey() {
        ApprovalRecord record = approvedRecord();

        byte[] envelope = record.sign(key);
        ApprovalRecord verified = ApprovalRecord.verify("approval.json", envelope, publicKey);

        assertThat(verified).isEqualTo(record);
        assertThat(verified.approvers()).containsExactly("alice", "bob");
        assertThat(verified.policyDigest()).isEqualTo(policy.digest());
        assertThat(verified.approvedAt()).isEqualTo(ASKED.plusSeconds(20 * 60));
        assertThat(verified.expiresAt()).isEqualTo(Instant.parse("2026-11-25T09:00:00Z"));
        assertThat(verified.isUsableAt(now)).isTrue();
        assertThat(verified.isUsableAt(verified.expiresAt())).isFalse();
        assertThat(new String(envelope, StandardCharsets.UTF_8)).contains("\"payloadType\" : \"" + ApprovalRecord.PAYLOAD_TYPE + "\"");
    }

    @Test
    void anApproverAddedToTheSignedRecordFailsVerification() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode envelope = (ObjectNode) json.readTree(approvedRecord().sign(key));
        String payload = new String(Base64.getDecoder().decode(envelope.get("payload").asText()), StandardCharsets.UTF_8);
        String forged = payload.replace("\"approver\" : \"bob\"", "\"approver\" : \"mallory\"");
        envelope.put("payload", Base64.getEncoder().encodeToString(forged.getBytes(StandardCharsets.UTF_8)));

        assertThat(forged).contains("mallory");
        assertThatThrownBy(() -> ApprovalRecord.verify("approval.json", json.writeValueAsBytes(envelope), publicKey))
                .isInstanceOf(DsseEnvelope.NotVerified.class)
                .hasMessageStartingWith("approval.json: no signature verifies with");
    }

    @Test
    void aRecordSignedByAnotherKeyFailsVerification() {
        KeyFiles.GeneratedKeyPair other = KeyFiles.generate(temp, "other", PasswordSource.none());

        assertThatThrownBy(() -> ApprovalRecord.verify("approval.json", approvedRecord().sign(key), other.verificationKey()))
                .isInstanceOf(DsseEnvelope.NotVerified.class);
    }

    @Test
    void anotherKindOfEnvelopeIsNotTakenForAnApproval() {
        byte[] envelope = DsseEnvelope.sign("application/vnd.in-toto+json", approvedRecord().toJson(), key);

        assertThatThrownBy(() -> ApprovalRecord.verify("approval.json", envelope, publicKey))
                .isInstanceOf(SigningInputException.class)
                .hasMessageContaining("holds a payload of type 'application/vnd.in-toto+json'");
    }

    @Test
    void thereIsNoRecordOfARequestThatIsNotApproved() {
        assertThatThrownBy(() -> ApprovalRecord.approved(policy, request("CHG-1234"), List.of(approve("alice", 10, "cab"),
                approve("carol@example.com", 20, "cab")), now))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the request for prod is PENDING (1 of 2 approvals;");
    }

    @Test
    void anAdminBypassIsRecordedInTheSignedRecord() {
        ApprovalRecord record = ApprovalRecord.approved(ApprovalEvaluationTest.policy(true), request("CHG-1234"),
                List.of(approve("root", 10, "platform-admins")), now);

        ApprovalRecord verified = ApprovalRecord.verify("approval.json", record.sign(key), publicKey);

        assertThat(verified.adminBypass()).isTrue();
        assertThat(new String(verified.toJson(), StandardCharsets.UTF_8)).contains("\"adminBypass\" : true");
    }
}
