Feature: The supervisors' wallboard
  In order to steer the flow of work through the day, interval by interval
  As a shift manager
  I want a wallboard in my browser that shows, live, what is waiting, what is about to
  breach, who is free, how the half-hour is going and which tenants work in contingency
  mode, for the tenants and teams I supervise only, and lets me act from it

  Background:
    Given tenant Acme is served by the team acme-team, supervised by Lea, with Lea and Ana
    And tenant Globex is served by the team globex-team, supervised by Gus, with Gus and Gil

  Scenario: A new incident appears on the wallboard without a reload
    Given Lea has the wallboard open
    When Acme reports "VPN drops every few minutes" through the API
    Then Lea's wallboard shows "VPN drops every few minutes" among the incidents at SLA risk
    And Lea's wallboard was not reloaded

  Scenario: An incident about to breach its SLA is highlighted
    Given Acme reported "Trading terminal frozen" at priority 1
    And Lea has the wallboard open
    When 12 minutes pass
    Then the row of "Trading terminal frozen" shows a warning
    When 4 more minutes pass
    Then the row of "Trading terminal frozen" shows a breach

  Scenario: A supervisor sees nothing of a tenant it does not supervise
    Given Acme reported "Trading terminal frozen" at priority 1
    And Globex reported "Tills cannot reach the payment gateway" at priority 2
    When Lea opens the wallboard
    Then Lea's wallboard shows "Trading terminal frozen" among the incidents at SLA risk
    And nothing of Globex is on Lea's wallboard
    And an agent who supervises nobody is refused the wallboard

  Scenario: A supervisor reassigns an incident from the wallboard
    Given Acme reported "Trading terminal frozen" at priority 1
    And Lea has the wallboard open
    When Lea reassigns "Trading terminal frozen" to Ana from the wallboard
    Then the history of "Trading terminal frozen" records its assignment to ana by lea

  Scenario: A supervisor switches contingency mode from the wallboard
    Given Lea has the wallboard open
    When Lea switches contingency mode on for Acme from the wallboard because "power cut"
    Then Lea's wallboard lists Acme in contingency mode
    And the contingency history of Acme records the switch on by lea
