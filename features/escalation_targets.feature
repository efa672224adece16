Feature: Escalation targets
  In order that an incident reaches whoever can fix it, inside the desk or outside it,
  that nothing sent to them is lost, and that every answer lands on the incident it is about
  As the lead of a service desk
  I want to hand incidents to a specialist group, to a vendor by email and to a partner's
  system by webhook, with every attempt to reach them recorded, and the managers a
  service-level breach concerns told through the same targets

  NetVendor, the VPN vendor, answers from support@netvendor.example. The partner's system
  takes escalations at its webhook, which checks the signature of each one with the
  secret it shares with the desk. The desk's outbox tries a failed delivery again after
  one minute, then after five more.

  Background:
    Given the tenant "acme" whose network incidents go to the specialist group "network"
    And Acme's first line is the team "service-desk", whose team manager is "sofia"
    And Acme's contract: respond within 30 minutes, and a breach brings in the team manager
    And Peter of Acme reported "The VPN drops every hour" in the category "network"

  Scenario: Escalate to the network specialists
    When Ana escalates the incident to the network specialists because "Layer 2 loop suspected"
    Then the incident is with the group "network"
    And it waits in the queue of the group "network"

  Scenario: Escalate to the vendor by email, and their reply lands on the incident
    Given the desk sends email through the mail server from "support@desk.example"
    And Ana put the incident on hold awaiting the vendor
    When Ana escalates the incident to "support@netvendor.example" by email because "Concentrator firmware"
    Then the mail server is sent an email to "support@netvendor.example" about the incident
    When the vendor answers that email saying "Please apply firmware 4.2.1."
    Then the incident is in_progress
    And its last work note is by "support@netvendor.example" and says "Please apply firmware 4.2.1."
    And the vendor has not become a contact of the desk

  Scenario: The webhook fails twice, then succeeds
    Given the partner's webhook answers 500, 500 and then 200
    When Ana escalates the incident to the partner's webhook
    And the outbox tries again a minute later, and again five minutes after that
    Then the partner took the escalation exactly once, signed with the shared secret
    And the delivery of the escalation shows these attempts:
      | attempt | outcome   | answer                              |
      | 1       | failed    | HTTP 500: {"error":"try again later"} |
      | 2       | failed    | HTTP 500: {"error":"try again later"} |
      | 3       | delivered | HTTP 200: {"ticket":"V-1"}           |

  Scenario: A breach notifies the team manager
    Given team managers are notified through the partner's webhook
    When 31 minutes pass without a response to the incident
    And the outbox runs
    Then the partner's webhook was told that the incident was escalated to the team manager "sofia"
    And the incident has a work note "Escalated to sofia through webhook: team manager notified: response breach"
