Feature: Contingency mode
  In order that the service goes on when the office cannot be used (a power cut, a storm,
  a strike) or the team is short
  As the lead of a service desk
  I want to switch a tenant, or the whole desk, into contingency mode: agents work from
  home with the capacity they can really hold, callers hear the contingency menu, and
  calls divert by the contingency rules

  Every switch is recorded with who made it, when and why, so that it can be audited.

  Background:
    Given tenant Acme is served by its team Lea and Marc, with the shared pool Omar
    And the phone line of Acme has the IVR:
      """
      [menus.main]
      prompt = "Welcome to Acme support. Press 2 for the service desk."
      [menus.main.choices]
      "2" = { queue = "desk" }

      [queues.desk]
      team = "acme-desk"

      [diversion]
      wait_threshold_minutes = 5
      to = "pool"
      minimum_team_share = 0.6

      [contingency]
      prompt = "Our office is closed today: we answer from home. Press 2 for the service desk."
      choices = { "2" = { queue = "desk" } }
      diversion = { to = "+34910000099", minimum_team_share = 0.5 }
      """

  Scenario: Switching contingency mode on and off is recorded
    When Sofia switches contingency mode on for Acme because "power cut at the Paris office"
    And 2 hours later Sofia switches it off because "power is back"
    Then contingency mode is off for Acme
    And its history reads:
      | switch | by    | reason                        |
      | on     | sofia | power cut at the Paris office |
      | off    | sofia | power is back                 |
    And contingency mode is off for the desk

  Scenario: Agents work with the capacity they can hold from home
    When Sofia switches contingency mode on for Acme because "storm" with capacity factor 0.5
    Then Lea can hold 1 chat, 1 call and 4 emails at once
    And Omar of the shared pool can still hold 3 chats
    When Lea is the only one available and 2 chats for Acme wait
    Then Lea takes 1 chat and the other waits
    When Sofia switches it off because "storm over"
    Then Lea can hold 3 chats, 1 call and 8 emails at once

  Scenario: Callers hear the contingency menu while it is on
    Given Sofia switches contingency mode on for Acme because "strike"
    When +34600111222 calls
    Then the IVR plays "Our office is closed today: we answer from home. Press 2 for the service desk."
    When Sofia switches it off because "strike over"
    And +34600333444 calls
    Then the IVR plays "Welcome to Acme support. Press 2 for the service desk."

  Scenario: Calls divert by the contingency rules, and the team keeps its share
    Given Sofia switches contingency mode on for Acme because "half the team is out"
    When 4 more callers press 2
    Then the calls go:
      | caller | to           | why                                         |
      | 1      | queue        | the team must answer at least 50% of calls  |
      | 2      | +34910000099 | contingency: diverted to +34910000099       |
      | 3      | queue        | the team must answer at least 50% of calls  |
      | 4      | +34910000099 | contingency: diverted to +34910000099       |
    And the team has answered 2 of the 4 calls decided today
    And the supervisors' wallboard shows 2 calls of acme diverted to +34910000099

  Scenario: Contingency mode cannot be switched on twice
    Given Sofia switches contingency mode on for Acme because "strike"
    When Sofia switches contingency mode on for Acme because "strike again"
    Then she is told "contingency mode is on already for tenant acme (since 2026-03-02 08:00 UTC: strike)"
