package io.jenkins.plugins.securedelivery.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ApprovalPolicyTest {

    static final Path EXAMPLE = Path.of("src/test/resources/approval/approvals.yaml");

    static ApprovalPolicy parse(String yaml) {
        return ApprovalPolicy.parse("approvals.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheDocumentedPolicyWithTwoCabApproversForProd() throws Exception {
        ApprovalPolicy policy = ApprovalPolicy.read(EXAMPLE);

        EnvironmentPolicy prod = policy.forEnvironment("prod");
        assertThat(prod.groups()).containsExactly("cab");
        assertThat(prod.required()).isEqualTo(2);
        assertThat(prod.ticket().required()).isTrue();
        assertThat(prod.ticket().pattern().pattern()).isEqualTo("CHG-\\d+");
        assertThat(prod.expiresAfter()).isEqualTo(Duration.ofHours(24));
        assertThat(prod.adminGroup()).isEqualTo("platform-admins");
        assertThat(prod.adminBypass()).isFalse();
        assertThat(policy.forEnvironment("staging").ticket().required()).isFalse();
        assertThat(policy.digest()).matches("sha256:[0-9a-f]{64}");
    }

    @Test
    void theDocumentationShowsTheTestedExampleVerbatim() throws Exception {
        String docs = Files.readString(Path.of("../docs/approvals.md"));
        String example = Files.readString(EXAMPLE);

        assertThat(docs).contains(example.substring(example.indexOf("environments:")));
    }

    @Test
    void theDigestNamesTheExactPolicyFile() {
        String base = "environments:\n  prod:\n    groups: [cab]\n    required: 2\n    expiresAfter: 24h\n";

        assertThat(parse(base).digest()).isEqualTo(parse(base).digest());
        assertThat(parse(base.replace("required: 2", "required: 1")).digest()).isNotEqualTo(parse(base).digest());
    }

    @Test
    void aMissingApproverCountIsRefusedNamingTheFileAndField() {
        assertThatThrownBy(() -> parse("environments:\n  prod:\n    groups: [cab]\n    expiresAfter: 24h\n"))
                .isInstanceOf(ApprovalInputException.class)
                .hasMessageStartingWith("approvals.yaml: environments.prod.required: is missing")
                .hasMessageContaining("required: 2");
    }

    @Test
    void aMisspeltRuleIsRefusedRatherThanIgnored() {
        assertThatThrownBy(() -> parse("environments:\n  prod:\n    groups: [cab]\n    required: 2\n    requried: 3\n    expiresAfter: 24h\n"))
                .isInstanceOf(ApprovalInputException.class)
                .hasMessageStartingWith("approvals.yaml: environments.prod.requried: is not a known field");
    }

    @Test
    void selfApprovalCannotBeSwitchedOn() {
        assertThatThrownBy(() -> parse("environments:\n  prod:\n    groups: [cab]\n    required: 1\n    expiresAfter: 1h\n    selfApproval: true\n"))
                .isInstanceOf(ApprovalInputException.class)
                .hasMessageContaining("environments.prod.selfApproval: self-approval is never allowed");
        assertThat(parse("environments:\n  prod:\n    groups: [cab]\n    required: 1\n    expiresAfter: 1h\n    selfApproval: false\n")
                .forEnvironment("prod").required()).isEqualTo(1);
    }

    @Test
    void anAdminBypassNeedsTheAdminGroupNamed() {
        assertThatThrownBy(() -> parse("environments:\n  prod:\n    groups: [cab]\n    required: 2\n    expiresAfter: 1h\n    adminBypass: true\n"))
                .isInstanceOf(ApprovalInputException.class)
                .hasMessageContaining("environments.prod.adminGroup: is missing but adminBypass is true");
    }

    @Test
    void badValuesAreRefusedWithTheirField() {
        assertThatThrownBy(() -> parse("environments:\n  prod:\n    groups: [cab]\n    required: two\n    expiresAfter: 1h\n"))
                .hasMessageContaining("environments.prod.required: must be a whole number of at least 1 (the string 'two')");
        assertThatThrownBy(() -> parse("environments:\n  prod:\n    groups: []\n    required: 1\n    expiresAfter: 1h\n"))
                .hasMessageContaining("environments.prod.groups: is empty");
        assertThatThrownBy(() -> parse("environments:\n  prod:\n    groups: [cab]\n    required: 1\n    expiresAfter: tomorrow\n"))
                .hasMessageContaining("environments.prod.expiresAfter: 'tomorrow' is not a positive duration");
        assertThatThrownBy(() -> parse("environments:\n  prod:\n    groups: [cab]\n    required: 1\n    expiresAfter: 1h\n    ticket: {required: true, pattern: \"CHG-(\"}\n"))
                .hasMessageContaining("environments.prod.ticket.pattern: 'CHG-(' is not a regular expression");
        assertThatThrownBy(() -> parse("environments:\n  prod:\n    groups: [cab]\n    required: 1\n    expiresAfter: 1h\n    ticket: {required: yes please}\n"))
                .hasMessageContaining("environments.prod.ticket.required: must be true or false");
    }

    @Test
    void brokenYamlIsRefusedWithItsLine() {
        assertThatThrownBy(() -> parse("environments:\n  prod:\n    groups: [cab\n    required: 1\n"))
                .isInstanceOf(ApprovalInputException.class)
                .hasMessageStartingWith("approvals.yaml: is not valid YAML at line");
    }

    @Test
    void anEnvironmentWithoutRulesIsRefusedNotApprovedByDefault() throws Exception {
        ApprovalPolicy policy = ApprovalPolicy.read(EXAMPLE);

        assertThatThrownBy(() -> policy.forEnvironment("production"))
                .isInstanceOf(ApprovalInputException.class)
                .hasMessageContaining("has no approval rules for environment 'production' (it has: staging, prod)");
    }

    @Test
    void shortAndIsoDurationsAreRead() {
        assertThat(ApprovalPolicy.duration("x", "90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(ApprovalPolicy.duration("x", "30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(ApprovalPolicy.duration("x", "7d")).isEqualTo(Duration.ofDays(7));
        assertThat(ApprovalPolicy.duration("x", "PT24H")).isEqualTo(Duration.ofHours(24));
        assertThatThrownBy(() -> ApprovalPolicy.duration("x", "0h")).hasMessageContaining("not a positive duration");
    }

    @Test
    void oneEnvironmentsRulesBecomeAWholePolicyAndAWholePolicyStaysAsItIs() {
        String rules = "groups: [cab]\nrequired: 2\nexpiresAfter: 24h\n";
        String whole = "environments:\n  prod:\n    groups: [cab]\n    required: 1\n    expiresAfter: 8h\n";

        ApprovalPolicy wrapped = ApprovalPolicy.parse("prod rules", ApprovalPolicy.wholePolicyText("prod rules", "prod", rules)
                .getBytes(StandardCharsets.UTF_8));

        assertThat(wrapped.forEnvironment("prod").required()).isEqualTo(2);
        assertThat(ApprovalPolicy.wholePolicyText("policy", "prod", whole)).isEqualTo(whole);
        assertThatThrownBy(() -> ApprovalPolicy.wholePolicyText("prod rules", "prod", "- just\n- a list\n"))
                .isInstanceOf(ApprovalInputException.class).hasMessageStartingWith("prod rules: is not a mapping of rules");
        assertThatThrownBy(() -> ApprovalPolicy.wholePolicyText("prod rules", "prod", "groups: [cab\n"))
                .isInstanceOf(ApprovalInputException.class).hasMessageContaining("is not valid YAML");
    }
}
