Feature: Service models: dedicated, shared and hybrid tenants
  In order to serve each client company as its contract says
  As the lead of a service desk that supports several client companies (tenants)
  I want each tenant served under its model, and to know at any instant which agents may serve it

  A dedicated tenant has its own team, which works only for it and only during the team's
  hours: out of hours its work waits for the next shift, and nobody outside the team helps.
  A shared tenant is served by the shared pool, which serves many tenants, at any hour.
  A hybrid tenant has a dedicated team in business hours, and the shared pool on nights,
  weekends and when its team cannot take the work in time (overflow).

  Times are Paris time. Each scenario starts on Monday 2 March 2026 at 09:00. The router hands
  out the waiting work when a step says it runs (in service, it runs every few seconds).

  Background:
    Given the shared pool works round the clock
    And tenant Acme is served by a dedicated team on weekdays 08:00–18:00 Paris time
    And tenant Globex is served by a dedicated team on weekdays 08:00–18:00 Paris time, and by the shared pool on nights, weekends and overflow
    And tenant Initech is served by the shared pool
    And Ana and Bo work in Acme's dedicated team
    And Gil works in Globex's dedicated team
    And Cy and Dee work in the shared pool
    And every agent is available

  Scenario Outline: At any instant, a tenant's model says which agents may serve it
    Given it is <moment>
    Then the agents who may serve <tenant> are <agents>, because "<reason>"

    Examples:
      | tenant  | moment         | agents  | reason                                                  |
      | Acme    | Monday 10:00   | Ana, Bo | the dedicated team is on shift                          |
      | Acme    | Monday 18:00   | nobody  | out of hours: waits for the dedicated team's next shift |
      | Acme    | Saturday 11:00 | nobody  | out of hours: waits for the dedicated team's next shift |
      | Globex  | Monday 10:00   | Gil     | business hours: the dedicated team                      |
      | Globex  | Monday 21:00   | Cy, Dee | out of the dedicated team's hours: the shared pool      |
      | Globex  | Sunday 11:00   | Cy, Dee | out of the dedicated team's hours: the shared pool      |
      | Initech | Monday 10:00   | Cy, Dee | the shared pool serves this tenant                      |
      | Initech | Tuesday 03:00  | Cy, Dee | the shared pool serves this tenant                      |

  Scenario: In its team's hours, a dedicated tenant's incident goes to its own team
    When an incident is opened for Acme at 10:00
    And the router runs
    Then an agent of Acme's dedicated team takes it
    And the shared pool has no work

  Scenario: Out of hours, a dedicated tenant's incident waits for the next shift, and nobody else helps
    When an incident is opened for Acme at 20:00
    And the router runs
    Then nobody takes it
    And it waits for the next shift at 08:00 tomorrow
    And its estimated wait is 12 hours
    And the shared pool has no work
    When it is Tuesday 07:55
    And the router runs
    Then nobody takes it
    When it is Tuesday 08:00
    And the router runs
    Then an agent of Acme's dedicated team takes it

  Scenario Outline: Evenings, nights and weekends all wait for the dedicated team's next shift
    Given it is <opened>
    When an incident is opened for Acme
    And the router runs
    Then nobody takes it
    And it waits for the next shift at <next shift>

    Examples:
      | opened        | next shift               |
      | Monday 18:00  | Tuesday 2026-03-03 08:00 |
      | Tuesday 07:30 | Tuesday 2026-03-03 08:00 |
      | Friday 18:30  | Monday 2026-03-09 08:00  |
      | Sunday 23:00  | Monday 2026-03-09 08:00  |

  Scenario: Nobody outside a dedicated team helps, even when the whole team is busy
    Given Ana and Bo are each on a call for Acme
    When Acme calls at 10:00
    And the router runs
    And 2 hours pass
    And the router runs
    Then nobody takes it, because "no available agent with voice capacity in Acme's dedicated team"
    And it has not overflowed to the shared pool
    And the shared pool has no work

  Scenario Outline: A hybrid tenant is served by its team in business hours and by the pool otherwise
    Given it is <moment>
    When an incident is opened for Globex
    And the router runs
    Then an agent of <team> takes it

    Examples:
      | moment         | team                    |
      | Monday 10:00   | Globex's dedicated team |
      | Monday 19:00   | the shared pool         |
      | Saturday 10:00 | the shared pool         |

  Scenario: A hybrid tenant's work overflows to the shared pool when its team stays busy
    Given Globex's items overflow to the shared pool after 15 minutes
    And Gil is on a call for Globex
    When Globex calls at 10:00
    And the router runs
    Then nobody takes it
    When 15 minutes pass
    And the router runs
    Then an agent of the shared pool takes it
    And it has overflowed to the shared pool

  Scenario: The shared pool serves its tenants at any hour
    Given it is Sunday 03:00
    When an incident is opened for Initech
    And the router runs
    Then an agent of the shared pool takes it
