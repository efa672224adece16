Feature: Operational-level agreements per hop
  In order that each team an incident passes through is measured fairly, on its own time
  As a service-desk lead
  I want every hand-over of an incident to a group to start that group's own clock, under
  the operational-level agreement (OLA) of our teams or the underpinning contract (UC) of a
  vendor, so that the time of an incident is attributed to the group that held it

  A hop runs while its group holds the incident and pauses like the service levels do, except
  that a vendor's clock keeps running while we wait for that vendor: that is the vendor's
  time. A group without an agreement still has its time attributed, with no target. OLA
  warnings and breaches are recorded on the incident, but they do not bring in management:
  that is for the service levels of the customer's contract.

  The desk clock starts on Monday 2026-03-02 at 09:00 in Madrid, when Carla calls about a P3
  that goes to the first line.

  Background:
    Given the calendar "madrid-office", on Europe/Madrid time, open at these hours:
      | days               | hours                    |
      | Monday to Thursday | 09:00-14:00, 15:00-18:00 |
      | Friday             | 09:00-15:00              |
    And the SLA policy "standard" with these targets:
      | priority | response | resolution | calendar      |
      | P1       | 15m      | 4h         | 24x7          |
      | P2       | 30m      | 8h         | madrid-office |
      | P3       | 1h       | 16h        | madrid-office |
    And the SLA policy "standard" gives these groups their own targets:
      | group      | agreement             | target | calendar      |
      | first-line | OLA                   | 30m    | (none)        |
      | network    | OLA                   | 4h     | madrid-office |
      | telco      | underpinning contract | 8h     | 24x7          |
    And the desk uses the SLA policy "standard"
    And Carla called the desk about an incident with impact 2 and urgency 2
    And the incident is assigned to the "first-line" group

  Scenario: Each group is measured on the time it held the incident
    When Ana starts the incident
    And 20 minutes pass
    And Ana escalates the incident to the "network" group
    And it is Monday 11:00 in Madrid
    And Nico escalates the incident to the "telco" group
    And Nico puts the incident on hold with reason "awaiting_vendor"
    And it is Monday 15:00 in Madrid
    Then the hops read:
      | hop | group      | kind | state   | business | target |
      | 1   | first-line | ola  | met     | 20m      | 30m    |
      | 2   | network    | ola  | met     | 1h40m    | 4h     |
      | 3   | telco      | uc   | running | 4h       | 8h     |
    And the SLA clocks read:
      | metric     | state  | elapsed |
      | resolution | paused | 2h      |

  Scenario: An OLA warns and breaches without bringing in management
    When 31 minutes pass
    And the SLA timer runs
    Then the timer raises:
      | clock            | moment | due in Madrid              | brought in |
      | ola:first-line#1 | 75%    | Monday 2026-03-02 09:22:30 |            |
      | ola:first-line#1 | 90%    | Monday 2026-03-02 09:27    |            |
      | ola:first-line#1 | breach | Monday 2026-03-02 09:30    |            |
    And the incident's service-level history is:
      | event            | clock            | moment | brought in |
      | SlaWarningRaised | ola:first-line#1 | 75%    |            |
      | SlaWarningRaised | ola:first-line#1 | 90%    |            |
      | SlaBreached      | ola:first-line#1 | breach |            |
    And the hops read:
      | hop | group      | state    |
      | 1   | first-line | breached |

  Scenario: The hops add up to the time the incident was with a group
    When Ana starts the incident
    And 25 minutes pass
    And Ana puts the incident on hold with reason "awaiting_caller"
    And 1 hour passes
    And Ana resumes the incident
    And Ana escalates the incident to the "network" group
    And it is Monday 16:00 in Madrid
    Then the hops read:
      | hop | group      | kind | state    | business | target |
      | 1   | first-line | ola  | met      | 25m      | 30m    |
      | 2   | network    | ola  | breached | 4h35m    | 4h     |
    And the hops add up to 5h of business time
    And the SLA clocks read:
      | metric     | state   | elapsed |
      | resolution | running | 5h      |

  Scenario: A reopened incident starts a new hop with the group that holds it
    When 10 minutes pass
    And Ana resolves the incident with code "profile rebuilt"
    And 2 hours pass
    And Carla reopens the incident because "It dropped again"
    And 15 minutes pass
    Then the hops read:
      | hop | group      | kind | state   | business | target |
      | 1   | first-line | ola  | met     | 10m      | 30m    |
      | 2   | first-line | ola  | running | 15m      | 30m    |

  Scenario: A group without an agreement has its time attributed, with no target
    When 10 minutes pass
    And Ana escalates the incident to the "servers" group
    And 50 minutes pass
    Then the hops read:
      | hop | group      | kind | state   | business | target |
      | 1   | first-line | ola  | met     | 10m      | 30m    |
      | 2   | servers    | ola  | running | 50m      | (none) |

  Scenario: An OLA without a calendar of its own follows the priority's calendar
    When it is Monday 13:50 in Madrid
    And Ana changes the impact to 1 and the urgency to 1
    And it is Monday 14:30 in Madrid
    Then the hops read:
      | hop | group      | state    | business | target |
      | 1   | first-line | breached | 5h30m    | 30m    |
    And the SLA clocks read:
      | metric     | state    | elapsed |
      | resolution | breached | 5h30m   |
