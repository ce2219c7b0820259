/**
 * Quality gates: the reports a build produces, judged against a policy before a release may be signed and promoted.
 * <ul>
 *   <li>{@link io.jenkins.plugins.securedelivery.gates.Reports#scan}: finds and reads JUnit XML (surefire, jest-junit,
 *       go-junit-report), JaCoCo and Cobertura XML, SARIF 2.1.0, Trivy JSON, gitleaks JSON and CycloneDX JSON in
 *       directories, recognised by content; XML is streamed and refuses entities, every file is size-bounded;</li>
 *   <li>{@link io.jenkins.plugins.securedelivery.gates.GatePolicy}: the seeds' thresholds as documented defaults, a
 *       YAML policy merged over them, per-environment overrides, and {@link io.jenkins.plugins.securedelivery.gates.Waiver}s;</li>
 *   <li>{@link io.jenkins.plugins.securedelivery.gates.QualityGate#evaluate}: the
 *       {@link io.jenkins.plugins.securedelivery.gates.GateVerdict}, one
 *       {@link io.jenkins.plugins.securedelivery.gates.RuleVerdict} per rule with its
 *       {@link io.jenkins.plugins.securedelivery.gates.Finding}s, as text, JSON and JUnit XML;</li>
 *   <li>{@link io.jenkins.plugins.securedelivery.gates.GateInputException}: a policy or report the gate cannot use.</li>
 * </ul>
 */
package io.jenkins.plugins.securedelivery.gates;
