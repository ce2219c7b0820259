package io.jenkins.plugins.securedelivery.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.securedelivery.approval.ApprovalDecision.Verdict;
import io.jenkins.plugins.securedelivery.approval.ApprovalState.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The approval rules, on the documented policy: prod needs 2 of the CAB, a CHG ticket, within 24 hours. */
class ApprovalEvaluationTest {

    static final Instant ASKED = Instant.parse("2026-11-24T09:00:00Z");
    static final String IMAGE = "registry.example.com/org/medical-platform@sha256:" + "ab".repeat(32);

    final ApprovalPolicy policy = policy(false);

    static ApprovalPolicy policy(boolean adminBypass) {
        return ApprovalPolicy.parse("approvals.yaml", ("environments:\n  prod:\n    groups: [cab]\n    required: 2\n"
                + "    ticket: {required: true, pattern: \"CHG-\\\\d+\"}\n    expiresAfter: 24h\n"
                + "    adminGroup: platform-admins\n    adminBypass: " + adminBypass + "\n").getBytes(StandardCharsets.UTF_8));
    }

    static ApprovalRequest request(String ticket) {
        return new ApprovalRequest("prod", List.of(IMAGE), "4f1b2c3d4e5f60718293a4b5c6d7e8f901234567", "Carol Author <carol@example.com>",
                "dave", ticket, ASKED, "https://jenkins.example.com/job/medical-platform/42/");
    }

    static ApprovalDecision approve(String who, int minutesAfter, String... groups) {
        return new ApprovalDecision(who, null, List.of(groups), Verdict.APPROVE, null, ASKED.plus(Duration.ofMinutes(minutesAfter)));
    }

    static ApprovalDecision reject(String who, int minutesAfter, String comment, String... groups) {
        return new ApprovalDecision(who, null, List.of(groups), Verdict.REJECT, comment, ASKED.plus(Duration.ofMinutes(minutesAfter)));
    }

    ApprovalState at(int minutesAfter, ApprovalDecision... decisions) {
        return policy.evaluate(request("CHG-1234"), List.of(decisions), ASKED.plus(Duration.ofMinutes(minutesAfter)));
    }

    @Test
    void oneOfTwoApprovalsIsPendingAndSaysWhoMayStillApprove() {
        ApprovalState state = at(60, approve("alice", 10, "cab"));

        assertThat(state.status()).isEqualTo(Status.PENDING);
        assertThat(state.isFinal()).isFalse();
        assertThat(state.approvers()).containsExactly("alice");
        assertThat(state.reason()).isEqualTo("1 of 2 approvals; members of cab may approve, except Carol Author <carol@example.com> (commit author), "
                + "dave (started the run), alice (already approved); expires at 2026-11-25T09:00:00Z");
    }

    @Test
    void twoDistinctCabMembersApprove() {
        ApprovalState state = at(60, approve("bob", 20, "cab", "developers"), approve("alice", 10, "cab"));

        assertThat(state.status()).isEqualTo(Status.APPROVED);
        assertThat(state.approvers()).containsExactly("alice", "bob");
        assertThat(state.adminBypass()).isFalse();
        assertThat(state.reason()).isEqualTo("approved by alice, bob (2 of 2 required, from cab)");
    }

    @Test
    void aDuplicateApprovalCountsOnceAndIsReported() {
        ApprovalState state = at(60, approve("alice", 10, "cab"), approve("Alice", 20, "cab"));

        assertThat(state.status()).isEqualTo(Status.PENDING);
        assertThat(state.approvers()).containsExactly("alice");
        assertThat(state.notCounted()).singleElement().satisfies(n ->
                assertThat(n.reason()).isEqualTo("duplicate: alice already approved at 2026-11-24T09:10:00Z; one person counts once"));
    }

    @Test
    void oneEmailUnderTwoUserIdsIsStillOnePerson() {
        ApprovalDecision first = new ApprovalDecision("alice", "alice@example.com", List.of("cab"), Verdict.APPROVE, null, ASKED.plusSeconds(60));
        ApprovalDecision second = new ApprovalDecision("alice.admin", "Alice@Example.com", List.of("cab"), Verdict.APPROVE, null, ASKED.plusSeconds(120));

        ApprovalState state = policy.evaluate(request("CHG-1"), List.of(first, second), ASKED.plusSeconds(600));

        assertThat(state.status()).isEqualTo(Status.PENDING);
        assertThat(state.notCounted()).singleElement().satisfies(n -> assertThat(n.reason()).startsWith("duplicate: alice already approved"));
    }

    @Test
    void theCommitAuthorCannotApproveEvenAsACabMember() {
        ApprovalDecision author = new ApprovalDecision("carol", "carol@example.com", List.of("cab"), Verdict.APPROVE, "LGTM", ASKED.plusSeconds(60));

        ApprovalState state = at(60, author, approve("alice", 10, "cab"));

        assertThat(state.status()).isEqualTo(Status.PENDING);
        assertThat(state.approvers()).containsExactly("alice");
        assertThat(state.notCounted()).singleElement().satisfies(n ->
                assertThat(n.reason()).isEqualTo("no self-approval: carol is the commit author (Carol Author <carol@example.com>)"));
    }

    @Test
    void theUserWhoStartedTheRunCannotApprove() {
        ApprovalState state = at(60, approve("DAVE", 5, "cab"), approve("alice", 10, "cab"));

        assertThat(state.status()).isEqualTo(Status.PENDING);
        assertThat(state.notCounted()).singleElement().satisfies(n ->
                assertThat(n.reason()).isEqualTo("no self-approval: DAVE is the user who started the run"));
    }

    @Test
    void anApproverOutsideTheAllowedGroupsIsRefusedWithTheGroupsNamed() {
        ApprovalState state = at(60, approve("erin", 5, "developers"), approve("frank", 6));

        assertThat(state.status()).isEqualTo(Status.PENDING);
        assertThat(state.notCounted()).extracting(ApprovalState.NotCounted::reason).containsExactly(
                "erin is neither named nor in any of the groups allowed to approve prod (cab); their groups: developers",
                "frank is neither named nor in any of the groups allowed to approve prod (cab); no groups were given for them");
    }

    @Test
    void aUserTheGroupsNameByIdMayApproveWithoutBeingInAGroup() {
        // given Jenkins' own user database, where every signed-in user's only group is "authenticated"
        ApprovalPolicy named = ApprovalPolicy.parse("approvals.yaml",
                "environments:\n  prod:\n    groups: [cab, Alice, bob]\n    required: 2\n    expiresAfter: 24h\n".getBytes(StandardCharsets.UTF_8));

        // when alice and bob, named by id, approve, and erin, named nowhere, too
        ApprovalState state = named.evaluate(request(null), List.of(approve("erin", 5, "authenticated"), approve("alice", 10, "authenticated"),
                approve("bob", 20, "authenticated")), ASKED.plus(Duration.ofMinutes(60)));

        // then the named users count (ids compared without case) and erin is refused, saying why
        assertThat(state.status()).isEqualTo(Status.APPROVED);
        assertThat(state.approvers()).containsExactly("alice", "bob");
        assertThat(state.notCounted()).extracting(ApprovalState.NotCounted::reason).containsExactly(
                "erin is neither named nor in any of the groups allowed to approve prod (cab, Alice, bob); their groups: authenticated");
    }

    @Test
    void aRejectionByAnEligibleApproverRejects() {
        ApprovalState state = at(60, approve("alice", 5, "cab"), reject("bob", 10, "no rollback plan in CHG-1234", "cab"),
                approve("grace", 20, "cab"));

        assertThat(state.status()).isEqualTo(Status.REJECTED);
        assertThat(state.isApproved()).isFalse();
        assertThat(state.rejection().approver()).isEqualTo("bob");
        assertThat(state.reason()).isEqualTo("rejected by bob at 2026-11-24T09:10:00Z: no rollback plan in CHG-1234");
        assertThat(state.notCounted()).singleElement().satisfies(n ->
                assertThat(n.reason()).isEqualTo("came after the request was already rejected"));
    }

    @Test
    void aRejectionBySomeoneNotAllowedToDecideDoesNotReject() {
        ApprovalState state = at(60, reject("erin", 5, "I do not like it", "developers"), approve("alice", 6, "cab"), approve("bob", 7, "cab"));

        assertThat(state.status()).isEqualTo(Status.APPROVED);
        assertThat(state.notCounted()).hasSize(1);
    }

    @Test
    void aRequestWithoutTheRequiredTicketIsRefusedUpFront() {
        assertThatThrownBy(() -> policy.evaluate(request(null), List.of(), ASKED))
                .isInstanceOf(ApprovalInputException.class)
                .hasMessage("approval request for prod: has no change ticket, and the policy in approvals.yaml requires one matching CHG-\\d+. "
                        + "Open a change ticket and give its id in the request");
        assertThatThrownBy(() -> policy.evaluate(request("JIRA-7"), List.of(approve("alice", 1, "cab"), approve("bob", 2, "cab")), ASKED.plusSeconds(600)))
                .isInstanceOf(ApprovalInputException.class)
                .hasMessageContaining("change ticket 'JIRA-7' does not match CHG-\\d+ (approvals.yaml: environments.prod.ticket.pattern)");
    }

    @Test
    void afterTheExpiryARequestIsExpiredAndNeverApproved() {
        ApprovalDecision late = approve("bob", 24 * 60 + 1, "cab");

        ApprovalState pending = at(24 * 60 + 5, approve("alice", 10, "cab"), late);
        ApprovalState approvedButStale = at(24 * 60, approve("alice", 10, "cab"), approve("bob", 20, "cab"));

        assertThat(pending.status()).isEqualTo(Status.EXPIRED);
        assertThat(pending.notCounted()).singleElement().satisfies(n ->
                assertThat(n.reason()).isEqualTo("came after the request expired at 2026-11-25T09:00:00Z"));
        assertThat(approvedButStale.status()).isEqualTo(Status.EXPIRED);
        assertThat(approvedButStale.reason()).startsWith("expired at 2026-11-25T09:00:00Z with 2 of 2 approvals");
    }

    @Test
    void decisionsDatedBeforeTheRequestOrInTheFutureDoNotCount() {
        ApprovalState state = at(30, approve("alice", -5, "cab"), approve("bob", 45, "cab"));

        assertThat(state.status()).isEqualTo(Status.PENDING);
        assertThat(state.approvers()).isEmpty();
        assertThat(state.notCounted()).extracting(ApprovalState.NotCounted::reason).containsExactly(
                "is dated before the request was made (2026-11-24T09:00:00Z)",
                "is dated in the future (it is now 2026-11-24T09:30:00Z)");
    }

    @Test
    void anAdministratorCannotApproveAloneWhenThePolicyAllowsNoBypass() {
        ApprovalState state = at(60, approve("root", 5, "platform-admins"));

        assertThat(state.status()).isEqualTo(Status.PENDING);
        assertThat(state.notCounted()).singleElement().satisfies(n ->
                assertThat(n.reason()).isEqualTo("root is in the admin group platform-admins, but the policy for prod allows no admin bypass"));
    }

    @Test
    void anAdminBypassThePolicyAllowsApprovesAloneAndIsRecordedAsSuch() {
        ApprovalState state = policy(true).evaluate(request("CHG-9"), List.of(approve("root", 5, "platform-admins")), ASKED.plusSeconds(600));

        assertThat(state.status()).isEqualTo(Status.APPROVED);
        assertThat(state.adminBypass()).isTrue();
        assertThat(state.reason()).isEqualTo("approved by root alone, through the admin bypass the policy allows for prod");
    }

    @Test
    void anAdminBypassIsStillNoSelfApproval() {
        ApprovalState state = policy(true).evaluate(request("CHG-9"), List.of(approve("dave", 5, "platform-admins")), ASKED.plusSeconds(600));

        assertThat(state.status()).isEqualTo(Status.PENDING);
        assertThat(state.notCounted()).singleElement().satisfies(n -> assertThat(n.reason()).startsWith("no self-approval"));
    }

    @Test
    void requestAndDecisionsSurviveAJsonRoundTripWithTheSameOutcome() {
        ApprovalRequest request = request("CHG-1234");
        List<ApprovalDecision> decisions = List.of(
                new ApprovalDecision("alice", "alice@example.com", List.of("cab"), Verdict.APPROVE, "checked the diff", ASKED.plusSeconds(60)),
                reject("erin", 3, null, "developers"),
                approve("bob", 4, "cab"));

        ApprovalRequest readRequest = ApprovalRequest.fromJson("request.json", request.toJson().getBytes(StandardCharsets.UTF_8));
        List<ApprovalDecision> readDecisions = ApprovalDecision.listFromJson("decisions.json",
                ApprovalDecision.toJson(decisions).getBytes(StandardCharsets.UTF_8));

        assertThat(readRequest).isEqualTo(request);
        assertThat(readDecisions).isEqualTo(decisions);
        assertThat(policy.evaluate(readRequest, readDecisions, ASKED.plusSeconds(600)))
                .isEqualTo(policy.evaluate(request, decisions, ASKED.plusSeconds(600)));
    }

    @Test
    void aRequestForATagIsRefusedNamingTheFileAndPath() {
        String json = request("CHG-1").toJson().replace(IMAGE, "registry.example.com/org/medical-platform:1.4.2");

        assertThatThrownBy(() -> ApprovalRequest.fromJson("request.json", json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ApprovalInputException.class)
                .hasMessageStartingWith("request.json: images[0]: 'registry.example.com/org/medical-platform:1.4.2' is not pinned by digest");
    }

    @Test
    void aRequestWithoutItsStarterIsRefusedBecauseSelfApprovalCouldNotBeChecked() {
        String json = request("CHG-1").toJson().replace("\"startedBy\" : \"dave\",", "");

        assertThatThrownBy(() -> ApprovalRequest.fromJson("request.json", json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ApprovalInputException.class)
                .hasMessageStartingWith("request.json: startedBy: is missing. Give the user who started the run");
    }

    @Test
    void aDecisionThatIsNeitherApproveNorRejectIsRefused() {
        String json = "[{\"approver\":\"alice\",\"groups\":[\"cab\"],\"verdict\":\"maybe\",\"decidedAt\":\"2026-11-24T10:00:00Z\"}]";

        assertThatThrownBy(() -> ApprovalDecision.listFromJson("decisions.json", json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ApprovalInputException.class)
                .hasMessageStartingWith("decisions.json: [0].verdict: 'maybe' is neither approve nor reject");
    }
}
