Feature: Changes of SLA policy while incidents are open
  In order that a new contract, a revised policy or the end of a contract is applied fairly to
  the incidents already open
  As a service-desk lead
  I want each change to say whether it applies from the change — every clock keeps the time
  it has used and goes on under the new targets, exactly as when a priority changes — or
  from the opening of the incidents, as if it had always applied; and a contract that no
  longer has service levels to clear what was still pending, while what was raised stays
  in the history

  An incident closed before a change keeps the clocks it was closed with. Each change shows
  in the timeline of the clocks it moved, with the contract or the policy that caused it.

  The desk clock starts on Monday 2026-03-02 at 09:00 in Madrid, when Carla of Acme calls
  about a P3.

  Background:
    Given the calendar "madrid-office", on Europe/Madrid time, open at these hours:
      | days               | hours                    |
      | Monday to Thursday | 09:00-14:00, 15:00-18:00 |
      | Friday             | 09:00-15:00              |
    And the SLA policy "standard" with these targets:
      | priority | response | resolution | calendar      |
      | P3       | 1h       | 16h        | madrid-office |
    And the SLA policy "premium" with these targets:
      | priority | response | resolution | calendar      |
      | P3       | 30m      | 8h         | madrid-office |
    And the tenant "acme" has a contract on the SLA policy "standard"
    And Carla of "acme" called the desk about an incident with impact 2 and urgency 2

  Scenario: A new contract applies from the change and keeps the time already used
    When 20 minutes pass
    And acme's contract changes to the SLA policy "premium"
    And 5 minutes pass
    Then the SLA clocks read:
      | metric     | state   | elapsed | remaining | due in Madrid           |
      | response   | running | 25m     | 5m        | Monday 2026-03-02 09:30 |
      | resolution | running | 25m     | 7h35m     | Monday 2026-03-02 18:00 |

  Scenario: A contract changed from the opening measures open incidents as if it had always applied
    When 40 minutes pass
    And acme's contract changes to the SLA policy "premium" from the opening of its incidents
    Then the SLA clocks read:
      | metric   | state    | elapsed | due in Madrid           |
      | response | breached | 40m     | Monday 2026-03-02 09:30 |
    When the SLA timer runs
    Then the timer raises:
      | clock    | moment | due in Madrid              | brought in    |
      | response | 75%    | Monday 2026-03-02 09:22:30 | shift manager |
      | response | 90%    | Monday 2026-03-02 09:27    | team manager  |
      | response | breach | Monday 2026-03-02 09:30    | director      |

  Scenario: A contract without service levels clears what was pending and keeps what was raised
    When 46 minutes pass
    And the SLA timer runs
    And 9 minutes pass
    And acme's contract ends its service levels
    Then the incident has no SLA clocks
    When it is Tuesday 10:00 in Madrid
    And the SLA timer runs
    Then the timer raises nothing
    And the incident's service-level history is:
      | event            | clock    | moment | brought in    |
      | SlaWarningRaised | response | 75%    |               |
      | Escalated        | response | 75%    | shift manager |

  Scenario: A revised policy that drops a target stops that clock falling due
    When 20 minutes pass
    And the desk revises the SLA policy "standard" with these targets:
      | priority | response | resolution | calendar      |
      | P3       | (none)   | 16h        | madrid-office |
    Then the incident has no response clock
    And the SLA clocks read:
      | metric     | state   | elapsed |
      | resolution | running | 20m     |
    When it is Monday 11:00 in Madrid
    And the SLA timer runs
    Then the timer raises nothing

  Scenario: An incident closed before the change keeps the clocks it was closed with
    When 10 minutes pass
    And Bo comments "Your VPN profile is rebuilt"
    And Bo resolves the incident with code "profile rebuilt"
    And Bo closes the incident
    And 10 minutes pass
    And acme's contract changes to the SLA policy "premium" from the opening of its incidents
    Then the SLA clocks read:
      | metric     | state | elapsed | remaining |
      | response   | met   | 10m     | 50m       |
      | resolution | met   | 10m     | 15h50m    |

  Scenario: The timeline names the contract change that moved each clock
    When 20 minutes pass
    And acme's contract changes to the SLA policy "premium"
    And 5 minutes pass
    Then the timeline of the response clock reads:
      | at in Madrid               | step          | cause                   | business | target |
      | Monday 2026-03-02 09:00    | start         | Opened v1 (P3)          | 0m       | 1h     |
      | Monday 2026-03-02 09:20    | policy-change | tenant acme contract v2 | 20m      | 30m    |
      | Monday 2026-03-02 09:22:30 | warning:75%   | due, not raised yet     | 22m30s   | 30m    |
    And the timeline of the resolution clock reads:
      | at in Madrid            | step          | cause                   | business | target |
      | Monday 2026-03-02 09:00 | start         | Opened v1 (P3)          | 0m       | 16h    |
      | Monday 2026-03-02 09:20 | policy-change | tenant acme contract v2 | 20m      | 8h     |
