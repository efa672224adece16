Feature: SLA clocks
  In order that every incident is answered and resolved within what we promised
  As a service-desk lead
  I want two clocks on every incident, response and resolution, that run on the calendar
  of its priority, pause only for the hold reasons the policy names, warn the managers in
  time, and say at any instant, now or in the past, where they stood

  The response clock stops at the first public answer of a human agent; an internal work
  note, a bot's answer and an automatic acknowledgement are not answers. The resolution clock stops when the incident is
  resolved, and a reopen resumes it with the time already spent. A clock once met stays met,
  judged against the target it had then, whatever the priority becomes. Warnings and breaches are
  raised by the SLA timer, each exactly once, and each brings in the level of management
  the escalation matrix names; a major incident goes straight to the director. The timeline
  of a clock shows each of its steps with the event that caused it.

  Unless a scenario says otherwise, the desk clock starts on Monday 2026-03-02 at 09:00 in
  Madrid, and "an incident" is a P3 (impact 2, urgency 2) opened then.

  Background:
    Given the calendar "madrid-office", on Europe/Madrid time, open at these hours:
      | days               | hours                    |
      | Monday to Thursday | 09:00-14:00, 15:00-18:00 |
      | Friday             | 09:00-15:00              |
    And "madrid-office" is closed on the public holidays of ES, region MD
    And the SLA policy "standard" with these targets:
      | priority | response | resolution | calendar      |
      | P1       | 15m      | 4h         | 24x7          |
      | P2       | 30m      | 8h         | madrid-office |
      | P3       | 1h       | 16h        | madrid-office |
      | P4       | 4h       | 40h        | madrid-office |
      | P5       | 8h       | 80h        | madrid-office |
    And "standard" pauses the clocks while an incident is on hold awaiting_caller or awaiting_vendor
    And the escalation matrix of "standard" is:
      | when             | brought in    |
      | 75 % of a target | shift manager |
      | 90 % of a target | team manager  |
      | a breach         | director      |
      | a major incident | director      |
    And the desk uses the SLA policy "standard"

  Scenario: A P3 opened on Friday afternoon is due on Monday
    Given it is Friday 14:30 in Madrid
    And an incident that is new
    Then the SLA clocks read:
      | metric     | state   | due in Madrid            | elapsed | remaining |
      | response   | running | Monday 2026-03-09 09:30  | 0m      | 1h        |
      | resolution | running | Tuesday 2026-03-10 17:30 | 0m      | 16h       |
    When it is Monday 09:15 in Madrid
    Then the SLA clocks read:
      | metric     | state   | due in Madrid            | elapsed | remaining |
      | response   | running | Monday 2026-03-09 09:30  | 45m     | 15m       |
      | resolution | running | Tuesday 2026-03-10 17:30 | 45m     | 15h15m    |

  Scenario Outline: Business hours, weekends and holidays decide when a P3 is due
    Given it is <opened> in Madrid
    And an incident that is new
    Then the response clock is due <response due> in Madrid
    And the resolution clock is due <resolution due> in Madrid

    Examples:
      | opened                     | response due               | resolution due             | because                                     |
      | Monday 2026-03-02 09:00    | Monday 2026-03-02 10:00    | Tuesday 2026-03-03 18:00   | two full days of 8 h                        |
      | Monday 2026-03-02 13:30    | Monday 2026-03-02 15:30    | Wednesday 2026-03-04 13:30 | lunch does not count                        |
      | Friday 2026-03-06 16:00    | Monday 2026-03-09 10:00    | Tuesday 2026-03-10 18:00   | opened after Friday's closing time          |
      | Wednesday 2026-04-01 17:30 | Monday 2026-04-06 09:30    | Tuesday 2026-04-07 17:30   | Maundy Thursday (Madrid) and Good Friday    |
      | Thursday 2026-04-30 17:30  | Monday 2026-05-04 09:30    | Tuesday 2026-05-05 17:30   | Labour Day                                  |
      | Friday 2026-12-04 14:30    | Wednesday 2026-12-09 09:30 | Thursday 2026-12-10 17:30  | a Madrid holiday Monday, a national Tuesday |

  Scenario: The clocks go forward over a weekend: the hour moves, the business time does not
    Given it is Friday 2026-03-27 14:30 in Madrid
    And an incident that is new
    Then the SLA clocks read:
      | metric     | due in Madrid            | due in UTC               |
      | response   | Monday 2026-03-30 09:30  | Monday 2026-03-30 07:30  |
      | resolution | Tuesday 2026-03-31 17:30 | Tuesday 2026-03-31 15:30 |
    When it is Monday 09:15 in Madrid
    Then the SLA clocks read:
      | metric   | state   | elapsed | remaining |
      | response | running | 45m     | 15m       |

  Scenario Outline: A P1 runs around the clock, through the night the clocks change
    Given it is <opened> in Madrid
    When Ana opens an incident with impact 1 and urgency 1
    Then its priority is P1
    And the response clock is due <response due> in Madrid
    And the resolution clock is due <resolution due> in Madrid

    Examples:
      | opened                    | response due            | resolution due          | because                                         |
      | Friday 2026-03-06 17:30   | Friday 2026-03-06 17:45 | Friday 2026-03-06 21:30 | after office hours                              |
      | Saturday 2026-03-07 23:50 | Sunday 2026-03-08 00:05 | Sunday 2026-03-08 03:50 | at the weekend, past midnight                   |
      | Sunday 2026-03-29 01:30   | Sunday 2026-03-29 01:45 | Sunday 2026-03-29 06:30 | four real hours: the clocks go forward at 02:00 |
      | Sunday 2026-10-25 00:30   | Sunday 2026-10-25 00:45 | Sunday 2026-10-25 03:30 | four real hours: the clocks go back at 03:00    |

  Scenario: Waiting for the caller pauses both clocks, and they resume where they stopped
    Given an incident that is new
    When 20 minutes pass
    And Ana starts the incident
    And Ana puts the incident on hold with reason "awaiting_caller"
    And 2 hours pass
    Then the SLA clocks read:
      | metric     | state  | due in Madrid | elapsed | remaining |
      | response   | paused | (none)        | 20m     | 40m       |
      | resolution | paused | (none)        | 20m     | 15h40m    |
    When Ana resumes the incident
    Then the SLA clocks read:
      | metric     | state   | due in Madrid              | elapsed | remaining |
      | response   | running | Monday 2026-03-02 12:00    | 20m     | 40m       |
      | resolution | running | Wednesday 2026-03-04 11:00 | 20m     | 15h40m    |

  Scenario Outline: Only the hold reasons the policy names pause the clocks
    Given an incident that is in_progress
    When 20 minutes pass
    And Ana puts the incident on hold with reason "<reason>"
    And 2 hours pass
    Then the SLA clocks read:
      | metric     | state        | elapsed   |
      | response   | <response>   | <elapsed> |
      | resolution | <resolution> | <elapsed> |

    Examples:
      | reason           | response | resolution | elapsed | because                             |
      | awaiting_caller  | paused   | paused     | 20m     | the caller holds the answer         |
      | awaiting_vendor  | paused   | paused     | 20m     | the vendor holds the answer         |
      | awaiting_change  | breached | running    | 2h20m   | a change is our own work: no pause  |
      | awaiting_problem | breached | running    | 2h20m   | a problem is our own work: no pause |

  Scenario: A reopen resumes the resolution clock with the time already spent
    Given an incident that is in_progress
    When 30 minutes pass
    And Bo comments "We are on it: the VPN concentrator is being restarted"
    And 2 hours pass
    And Bo resolves the incident with code "concentrator restarted"
    Then the SLA clocks read:
      | metric     | state | due in Madrid | elapsed | remaining |
      | response   | met   | (none)        | 30m     | 30m       |
      | resolution | met   | (none)        | 2h30m   | 13h30m    |
    When it is Tuesday 10:00 in Madrid
    And Carla reopens the incident because "It dropped again this morning"
    Then the SLA clocks read:
      | metric     | state   | due in Madrid              | elapsed | remaining |
      | response   | met     | (none)                     | 30m     | 30m       |
      | resolution | running | Wednesday 2026-03-04 16:30 | 2h30m   | 13h30m    |
    When 1 hour passes
    Then the SLA clocks read:
      | metric     | state   | elapsed | remaining |
      | resolution | running | 3h30m   | 12h30m    |

  Scenario: The first public answer of an agent meets the response target; a work note does not
    Given Carla called the desk about an incident with impact 2 and urgency 2
    When 10 minutes pass
    And Bo adds the work note "Looks like the payroll VPN profile again"
    And 5 minutes pass
    And Carla comments "Any news? Payroll closes today"
    Then the SLA clocks read:
      | metric   | state   | elapsed |
      | response | running | 15m     |
    When 10 minutes pass
    And Bo comments "We have found the cause and are fixing it now"
    Then the SLA clocks read:
      | metric     | state   | due in Madrid            | elapsed |
      | response   | met     | (none)                   | 25m     |
      | resolution | running | Tuesday 2026-03-03 18:00 | 25m     |
    When it is Monday 11:00 in Madrid
    And the SLA timer runs
    Then the timer raises nothing

  Scenario: Neither a bot nor an automatic acknowledgement answers the customer
    Given Carla called the desk about an incident with impact 2 and urgency 2
    When 1 minute passes
    And the desk sends the automatic acknowledgement "We have received your request"
    And 4 minutes pass
    And the chatbot answers "Have you tried restarting the VPN client?"
    And 10 minutes pass
    Then the SLA clocks read:
      | metric   | state   | elapsed |
      | response | running | 15m     |
    When Bo comments "We are rebuilding your VPN profile now"
    Then the SLA clocks read:
      | metric   | state | elapsed |
      | response | met   | 15m     |

  Scenario: The timeline of a clock paused twice, reprioritised once and reopened once
    Given Carla called the desk about an incident with impact 2 and urgency 2
    When 10 minutes pass
    And Ana starts the incident
    And 10 minutes pass
    And Ana puts the incident on hold with reason "awaiting_caller"
    And 30 minutes pass
    And Ana resumes the incident
    And 20 minutes pass
    And Ana changes the impact to 1 and the urgency to 2
    And the SLA timer runs
    And 20 minutes pass
    And Ana puts the incident on hold with reason "awaiting_vendor"
    And 1 hour passes
    And Ana resumes the incident
    And 30 minutes pass
    And Bo resolves the incident with code "profile rebuilt"
    And 1 hour passes
    And Carla reopens the incident because "It dropped again"
    And 30 minutes pass
    Then the timeline of the resolution clock reads:
      | at in Madrid            | step          | cause                           | calendar | business | target |
      | Monday 2026-03-02 09:00 | start         | Opened v1 (P3)                  | 0m       | 0m       | 16h    |
      | Monday 2026-03-02 09:20 | pause         | PutOnHold v3 (awaiting_caller)  | 20m      | 20m      | 16h    |
      | Monday 2026-03-02 09:50 | resume        | Resumed v4                      | 50m      | 20m      | 16h    |
      | Monday 2026-03-02 10:10 | target-change | Reprioritised v5 (P2)           | 1h10m    | 40m      | 8h     |
      | Monday 2026-03-02 10:30 | pause         | PutOnHold v12 (awaiting_vendor) | 1h30m    | 1h       | 8h     |
      | Monday 2026-03-02 11:30 | resume        | Resumed v13                     | 2h30m    | 1h       | 8h     |
      | Monday 2026-03-02 12:00 | stop:met      | Resolved v14                    | 3h       | 1h30m    | 8h     |
      | Monday 2026-03-02 13:00 | restart       | Reopened v15                    | 4h       | 1h30m    | 8h     |
    And the timeline of the response clock reads:
      | at in Madrid            | step          | cause                              | business | target |
      | Monday 2026-03-02 09:00 | start         | Opened v1 (P3)                     | 0m       | 1h     |
      | Monday 2026-03-02 09:20 | pause         | PutOnHold v3 (awaiting_caller)     | 20m      | 1h     |
      | Monday 2026-03-02 09:50 | resume        | Resumed v4                         | 20m      | 1h     |
      | Monday 2026-03-02 10:10 | target-change | Reprioritised v5 (P2)              | 40m      | 30m    |
      | Monday 2026-03-02 10:10 | warning:75%   | SlaWarningRaised v6 (response 75%) | 40m      | 30m    |
      | Monday 2026-03-02 10:10 | warning:90%   | SlaWarningRaised v8 (response 90%) | 40m      | 30m    |
      | Monday 2026-03-02 10:10 | breach        | SlaBreached v10 (response)         | 40m      | 30m    |
      | Monday 2026-03-02 10:30 | pause         | PutOnHold v12 (awaiting_vendor)    | 1h       | 30m    |
      | Monday 2026-03-02 11:30 | resume        | Resumed v13                        | 1h       | 30m    |
      | Monday 2026-03-02 12:00 | stop:met      | Resolved v14                       | 1h30m    | 30m    |

  Scenario: Warnings at 75 % and 90 %, then the breach, each raised once with its escalation
    Given an incident that is new
    When 44 minutes pass
    And the SLA timer runs
    Then the timer raises nothing
    When 1 minute passes
    And the SLA timer runs
    Then the timer raises:
      | clock    | moment | due in Madrid           | brought in    |
      | response | 75%    | Monday 2026-03-02 09:45 | shift manager |
    When the SLA timer runs
    Then the timer raises nothing
    When it is Monday 10:30 in Madrid
    And the SLA timer runs
    Then the timer raises:
      | clock    | moment | due in Madrid           | brought in   |
      | response | 90%    | Monday 2026-03-02 09:54 | team manager |
      | response | breach | Monday 2026-03-02 10:00 | director     |
    When the SLA timer runs
    Then the timer raises nothing
    And the SLA clocks read:
      | metric   | state    | elapsed | remaining |
      | response | breached | 1h30m   | -30m      |
    And the incident's service-level history is:
      | event            | clock    | moment | brought in    |
      | SlaWarningRaised | response | 75%    |               |
      | Escalated        | response | 75%    | shift manager |
      | SlaWarningRaised | response | 90%    |               |
      | Escalated        | response | 90%    | team manager  |
      | SlaBreached      | response | breach |               |
      | Escalated        | response | breach | director      |

  Scenario: A major incident goes straight to the director
    Given a major incident
    When 15 minutes pass
    And the SLA timer runs
    Then the timer raises:
      | clock    | moment | due in Madrid              | brought in |
      | response | 75%    | Monday 2026-03-02 09:11:15 | director   |
      | response | 90%    | Monday 2026-03-02 09:13:30 | director   |
      | response | breach | Monday 2026-03-02 09:15    | director   |

  Scenario Outline: A change of priority moves both deadlines
    Given an incident with impact 2 and urgency 2
    When 20 minutes pass
    And Ana changes the impact to <impact> and the urgency to <urgency>
    Then its priority is P<priority>
    And the response clock is due <response due> in Madrid
    And the resolution clock is due <resolution due> in Madrid

    Examples:
      | impact | urgency | priority | response due            | resolution due           | because                          |
      | 2      | 2       | 3        | Monday 2026-03-02 10:00 | Tuesday 2026-03-03 18:00 | unchanged                        |
      | 1      | 2       | 2        | Monday 2026-03-02 09:30 | Monday 2026-03-02 18:00  | 30 min and 8 h, from the opening |
      | 2      | 3       | 4        | Monday 2026-03-02 13:00 | Monday 2026-03-09 11:00  | 4 h and 40 h                     |
      | 3      | 3       | 5        | Monday 2026-03-02 18:00 | Monday 2026-03-16 13:00  | 8 h and 80 h                     |

  Scenario: A change of priority moves the timers too
    Given an incident with impact 2 and urgency 2
    When 20 minutes pass
    And Ana changes the impact to 1 and the urgency to 2
    And 11 minutes pass
    And the SLA timer runs
    Then the timer raises:
      | clock    | moment | due in Madrid              | brought in    |
      | response | 75%    | Monday 2026-03-02 09:22:30 | shift manager |
      | response | 90%    | Monday 2026-03-02 09:27    | team manager  |
      | response | breach | Monday 2026-03-02 09:30    | director      |

  Scenario: Raising an incident to P1 after its P1 response target has passed breaches it at once
    Given an incident with impact 2 and urgency 2
    When 20 minutes pass
    And Ana changes the impact to 1 and the urgency to 1
    Then the SLA clocks read:
      | metric     | state    | due in Madrid           | elapsed | remaining |
      | response   | breached | Monday 2026-03-02 09:20 | 20m     | -5m       |
      | resolution | running  | Monday 2026-03-02 13:00 | 20m     | 3h40m     |
    When the SLA timer runs
    Then the timer raises:
      | clock    | moment | due in Madrid           | brought in    |
      | response | 75%    | Monday 2026-03-02 09:20 | shift manager |
      | response | 90%    | Monday 2026-03-02 09:20 | team manager  |
      | response | breach | Monday 2026-03-02 09:20 | director      |

  Scenario: A response already met stays met when the priority changes
    Given an incident with impact 2 and urgency 2
    When 30 minutes pass
    And Bo comments "We are on it: the VPN profile is being rebuilt"
    And 10 minutes pass
    And Ana changes the impact to 1 and the urgency to 1
    Then its priority is P1
    And the SLA clocks read:
      | metric     | state   | due in Madrid           | elapsed | remaining |
      | response   | met     | (none)                  | 30m     | 30m       |
      | resolution | running | Monday 2026-03-02 13:00 | 40m     | 3h20m     |
    When 1 hour passes
    And the SLA timer runs
    Then the timer raises nothing
    And the SLA clocks read:
      | metric   | state | elapsed | remaining |
      | response | met   | 30m     | 30m       |

  Scenario: No warning falls due while the caller is awaited; the resume sets the timers again
    Given an incident that is in_progress
    When 20 minutes pass
    And Ana puts the incident on hold with reason "awaiting_caller"
    And it is Monday 11:00 in Madrid
    And the SLA timer runs
    Then the timer raises nothing
    When Ana resumes the incident
    And it is Monday 11:25 in Madrid
    And the SLA timer runs
    Then the timer raises:
      | clock    | moment | due in Madrid           | brought in    |
      | response | 75%    | Monday 2026-03-02 11:25 | shift manager |

  Scenario: A reopen sets the resolution timers with the time already spent
    Given an incident that is in_progress
    When 10 minutes pass
    And Bo comments "We are on it"
    And it is Tuesday 12:00 in Madrid
    And Bo resolves the incident with code "profile rebuilt"
    And the SLA timer runs
    Then the timer raises nothing
    When it is Wednesday 10:00 in Madrid
    And Carla reopens the incident because "Same error again"
    And it is Wednesday 16:00 in Madrid
    And the SLA timer runs
    Then the timer raises:
      | clock      | moment | due in Madrid              | brought in    |
      | resolution | 75%    | Wednesday 2026-03-04 11:00 | shift manager |
      | resolution | 90%    | Wednesday 2026-03-04 13:24 | team manager  |
      | resolution | breach | Wednesday 2026-03-04 16:00 | director      |

  Scenario Outline: The clocks can be read as they stood at any past instant
    Given an incident that is new
    When 20 minutes pass
    And Ana starts the incident
    And Ana puts the incident on hold with reason "awaiting_caller"
    And 2 hours pass
    And Ana resumes the incident
    And 10 minutes pass
    And Bo comments "Thanks, Carla: the new profile is on its way"
    Then at Monday 2026-03-02 <at> in Madrid the SLA clocks read:
      | metric   | state   | due in Madrid | elapsed   | remaining   |
      | response | <state> | <due>         | <elapsed> | <remaining> |

    Examples:
      | at    | state   | due                     | elapsed | remaining | because                       |
      | 09:00 | running | Monday 2026-03-02 10:00 | 0m      | 1h        | just opened                   |
      | 09:10 | running | Monday 2026-03-02 10:00 | 10m     | 50m       | running                       |
      | 10:05 | paused  | (none)                  | 20m     | 40m       | on hold, awaiting the caller  |
      | 11:25 | running | Monday 2026-03-02 12:00 | 25m     | 35m       | five minutes after the resume |
      | 11:30 | met     | (none)                  | 30m     | 30m       | answered                      |
      | 15:00 | met     | (none)                  | 30m     | 30m       | and it stays met              |
