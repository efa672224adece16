Feature: Audit history of an incident
  In order to answer "who did what, and when?" about any incident, in a review or an audit
  As a service-desk lead
  I want the history of an incident to list every event in order, with its time, its actor
  and the fields it changed

  Background:
    Given the desk clock reads 2026-03-02 08:00 UTC
    And Ana opened the incident "Payroll VPN drops every few minutes" with impact 2 and urgency 1

  Scenario: Every event is listed in order, with its time and its actor
    When 10 minutes pass
    And Ana starts the incident
    And 25 minutes pass
    And Ana puts the incident on hold with reason "awaiting_vendor"
    And 2 hours pass
    And Bo resumes the incident
    And 15 minutes pass
    And Bo resolves the incident with code "vendor patch applied"
    Then the history lists, in order:
      | event     | at               | actor |
      | Opened    | 2026-03-02 08:00 | Ana   |
      | Started   | 2026-03-02 08:10 | Ana   |
      | PutOnHold | 2026-03-02 08:35 | Ana   |
      | Resumed   | 2026-03-02 10:35 | Bo    |
      | Resolved  | 2026-03-02 10:50 | Bo    |

  Scenario: Each entry shows the fields it changed
    When Ana starts the incident
    And 5 minutes pass
    And Ana puts the incident on hold with reason "awaiting_vendor"
    And 1 hour passes
    And Bo resumes the incident
    Then the last Started entry shows the changes:
      | field | before | after       |
      | state | new    | in_progress |
    And the last PutOnHold entry shows the changes:
      | field       | before      | after           |
      | state       | in_progress | on_hold         |
      | hold reason | (none)      | awaiting_vendor |
    And the last Resumed entry shows the changes:
      | field       | before          | after       |
      | state       | on_hold         | in_progress |
      | hold reason | awaiting_vendor | (none)      |

  Scenario: A reassignment is counted and shown in the history
    When Ana assigns the incident to the "Network" group
    And 5 minutes pass
    And Ana assigns the incident to the "Servers" group
    Then the reassignment count is 1
    And the first Assigned entry shows the changes:
      | field            | before | after   |
      | assignment group | (none) | Network |
    And the last Assigned entry shows the changes:
      | field              | before  | after   |
      | assignment group   | Network | Servers |
      | reassignment count | 0       | 1       |

  Scenario: Comments and internal work notes are both recorded
    When Bo comments "We are looking into it, sorry for the trouble"
    And 3 minutes pass
    And Bo adds the work note "The tunnel flaps when the backup link takes over"
    Then the history lists, in order:
      | event     | at               | actor |
      | Opened    | 2026-03-02 08:00 | Ana   |
      | Commented | 2026-03-02 08:00 | Bo    |
      | Commented | 2026-03-02 08:03 | Bo    |
    And the first Commented entry records a public comment "We are looking into it, sorry for the trouble"
    And the last Commented entry records an internal work note "The tunnel flaps when the backup link takes over"
    And the incident's comments are:
      | by | visibility | text                                             |
      | Bo | public     | We are looking into it, sorry for the trouble    |
      | Bo | internal   | The tunnel flaps when the backup link takes over |

  Scenario: The history survives a restart of the desk
    When 10 minutes pass
    And Ana starts the incident
    And 20 minutes pass
    And Bo puts the incident on hold with reason "awaiting_caller"
    And the desk is restarted
    Then the history lists, in order:
      | event     | at               | actor |
      | Opened    | 2026-03-02 08:00 | Ana   |
      | Started   | 2026-03-02 08:10 | Ana   |
      | PutOnHold | 2026-03-02 08:30 | Bo    |
    And the last PutOnHold entry shows the changes:
      | field       | before      | after           |
      | state       | in_progress | on_hold         |
      | hold reason | (none)      | awaiting_caller |
    And the incident is on_hold
    And the incident list shows it as on_hold
