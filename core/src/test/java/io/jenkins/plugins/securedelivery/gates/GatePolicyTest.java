package io.jenkins.plugins.securedelivery.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatePolicyTest {

    @TempDir Path dir;

    @Test
    void theDefaultsAreTheSeedsThresholds() {
        Thresholds defaults = GatePolicy.defaults().thresholdsFor(null);

        assertThat(defaults.coverageMin()).isEqualTo(80.0);
        assertThat(defaults.vulnerabilityMax()).isEqualTo(Map.of("critical", 0, "high", 0, "medium", 5, "unknown", 0));
        assertThat(defaults.allowedLicenses()).containsExactly("MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause");
        assertThat(defaults.unknownLicenseWarns()).isFalse();
        assertThat(defaults.sastFailOn()).isEqualTo("error");
        assertThat(List.of(defaults.testsRequired(), defaults.coverageRequired(), defaults.vulnerabilitiesRequired(), defaults.licensesRequired(),
                defaults.secretsRequired(), defaults.sastRequired())).containsOnly(true);
    }

    @Test
    void environmentOverridesMergeOverThePolicyWhichMergesOverTheDefaults() throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yaml"), """
                vulnerabilities:
                  max: {medium: 2}
                environments:
                  dev:
                    coverage: {min: 60}
                    vulnerabilities: {max: {high: 3}}
                """);

        GatePolicy policy = GatePolicy.read(file);

        assertThat(policy.environments()).containsExactly("dev");
        assertThat(policy.thresholdsFor("dev").coverageMin()).isEqualTo(60.0);
        assertThat(policy.thresholdsFor("dev").vulnerabilityMax()).isEqualTo(Map.of("critical", 0, "high", 3, "medium", 2, "unknown", 0));
        assertThat(policy.thresholdsFor("prod").coverageMin()).isEqualTo(80.0);
        assertThat(policy.thresholdsFor("prod").vulnerabilityMax()).containsEntry("medium", 2).containsEntry("high", 0);
    }

    @Test
    void readsWaiversWithTheirOwnerReasonAndExpiry() {
        GatePolicy policy = GatePolicy.parse("""
                waivers:
                  - id: CVE-2019-14697
                    path: "testdata/**"
                    reason: musl is not reachable
                    owner: security-team
                    expires: 2026-12-31
                """, "policy.yaml");

        assertThat(policy.waivers()).containsExactly(new Waiver("CVE-2019-14697", "testdata/**", "musl is not reachable", "security-team",
                LocalDate.of(2026, 12, 31)));
    }

    @Test
    void aWaiverWithABadDateIsAnErrorNamingTheFileAndField() throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yaml"), """
                waivers:
                  - {id: CVE-1, reason: r, owner: o, expires: 2026-12-31}
                  - {id: CVE-2, reason: r, owner: o, expires: 31/12/2026}
                """);

        assertThatThrownBy(() -> GatePolicy.read(file)).isInstanceOf(GateInputException.class)
                .hasMessage(file + " field waivers[1].expires: is not a date (31/12/2026). Write the last day the waiver counts as YYYY-MM-DD, e.g. 2026-12-31");
    }

    @Test
    void aWaiverWithoutOwnerOrReasonIsAnError() {
        assertThatThrownBy(() -> GatePolicy.parse("waivers: [{id: CVE-1, reason: r, expires: 2026-12-31}]", "p.yaml"))
                .isInstanceOf(GateInputException.class).hasMessageStartingWith("p.yaml field waivers[0].owner: is missing");
        assertThatThrownBy(() -> GatePolicy.parse("waivers: [{id: CVE-1, owner: o, reason: '  ', expires: 2026-12-31}]", "p.yaml"))
                .isInstanceOf(GateInputException.class).hasMessageStartingWith("p.yaml field waivers[0].reason: is missing");
    }

    @Test
    void aTypoInARuleOrSettingIsAnErrorNotASilentDefault() {
        assertThatThrownBy(() -> GatePolicy.parse("covrage: {min: 90}", "p.yaml")).isInstanceOf(GateInputException.class)
                .hasMessageStartingWith("p.yaml field covrage: is not a rule of the gate");
        assertThatThrownBy(() -> GatePolicy.parse("environments: {prod: {coverage: {minimum: 90}}}", "p.yaml")).isInstanceOf(GateInputException.class)
                .hasMessageStartingWith("p.yaml field environments.prod.coverage.minimum: is not a setting of the coverage rule");
        assertThatThrownBy(() -> GatePolicy.parse("vulnerabilities: {max: {severe: 1}}", "p.yaml")).isInstanceOf(GateInputException.class)
                .hasMessageContaining("vulnerabilities.max.severe: is not a severity");
    }

    @Test
    void wrongValuesAreErrorsThatSayWhatToWrite() {
        assertThatThrownBy(() -> GatePolicy.parse("coverage: {min: 80%}", "p.yaml")).isInstanceOf(GateInputException.class)
                .hasMessageContaining("coverage.min: is not a number").hasMessageContaining("without a percent sign");
        assertThatThrownBy(() -> GatePolicy.parse("coverage: {min: 180}", "p.yaml")).isInstanceOf(GateInputException.class)
                .hasMessageContaining("is not a percentage");
        assertThatThrownBy(() -> GatePolicy.parse("vulnerabilities: {max: {high: -1}}", "p.yaml")).isInstanceOf(GateInputException.class)
                .hasMessageContaining("vulnerabilities.max.high: is not a count");
        assertThatThrownBy(() -> GatePolicy.parse("sast: {failOn: critical}", "p.yaml")).isInstanceOf(GateInputException.class)
                .hasMessageContaining("sast.failOn: is not one of [error, note, warning]");
        assertThatThrownBy(() -> GatePolicy.parse("waivers: [{id: x, reason: r, owner: o, expires: 2026-01-01, path: 'src/[a'}]", "p.yaml"))
                .isInstanceOf(GateInputException.class).hasMessageContaining("waivers[0].path: is not a valid glob");
    }

    @Test
    void invalidYamlIsAnErrorNamingTheLine() {
        assertThatThrownBy(() -> GatePolicy.parse("coverage:\n  min: 80\n bad: [\n", "p.yaml")).isInstanceOf(GateInputException.class)
                .hasMessageStartingWith("p.yaml:").hasMessageContaining("not valid YAML");
    }

    @Test
    void licenceExpressionsFollowSpdxOrAndWithAndPlus() {
        LicenseCheck check = new LicenseCheck(List.of("MIT", "Apache-2.0"));

        assertThat(check.check(List.of("MIT"))).isEqualTo(LicenseCheck.Result.ALLOWED);
        assertThat(check.check(List.of("mit"))).isEqualTo(LicenseCheck.Result.ALLOWED);
        assertThat(check.check(List.of("(GPL-2.0-only OR MIT)"))).isEqualTo(LicenseCheck.Result.ALLOWED);
        assertThat(check.check(List.of("MIT AND GPL-3.0-only"))).isEqualTo(LicenseCheck.Result.DENIED);
        assertThat(check.check(List.of("Apache-2.0 WITH LLVM-exception"))).isEqualTo(LicenseCheck.Result.ALLOWED);
        assertThat(check.check(List.of("Apache-2.0+"))).isEqualTo(LicenseCheck.Result.ALLOWED);
        assertThat(check.check(List.of("MIT", "GPL-2.0-only"))).isEqualTo(LicenseCheck.Result.DENIED);
        assertThat(check.check(List.of("LicenseRef-proprietary OR GPL-2.0-only"))).isEqualTo(LicenseCheck.Result.UNKNOWN);
        assertThat(check.check(List.of("name:The MIT License"))).isEqualTo(LicenseCheck.Result.UNKNOWN);
        assertThat(check.check(List.of("(MIT"))).isEqualTo(LicenseCheck.Result.UNKNOWN);
        assertThat(check.check(List.of())).isEqualTo(LicenseCheck.Result.UNKNOWN);
    }
}
