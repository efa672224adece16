Feature: SLA metrics of a conversation, not just its first answer
  In order to keep every promise our contracts make about how we talk to customers
  As a service-desk lead
  I want clocks for the next reply to each customer message, for regular updates, for the
  time a customer waits on us and for the time our agents have the incident in hand, each
  with its own target per priority; only a real answer from one of our agents may meet a
  response or reply target; and a customer left waiting too long is handed on or brought to
  a manager's attention by the desk itself

  A customer's message starts a next-reply clock once the first response was given, and the
  next public message of a human agent stops it. Periodic updates run from one public agent
  message to the next. The requester waits while the incident is open, except while we wait
  on the requester. Agent work runs only while the incident is new or in progress. Messages
  from bots, automatic acknowledgements and internal work notes never answer anybody.

  Unless a scenario says otherwise, the desk clock starts on Monday 2026-03-02 at 09:00 in
  Madrid, when Carla calls about a P3.

  Background:
    Given the calendar "madrid-office", on Europe/Madrid time, open at these hours:
      | days               | hours                    |
      | Monday to Thursday | 09:00-14:00, 15:00-18:00 |
      | Friday             | 09:00-15:00              |
    And the SLA policy "conversations" with these targets:
      | priority | response | next_reply | periodic_update | requester_wait | agent_work | resolution | calendar      |
      | P3       | 1h       | 30m        | 2h              | 8h             | 4h         | 16h        | madrid-office |
    And the desk uses the SLA policy "conversations"
    And Carla called the desk about an incident with impact 2 and urgency 2

  Scenario: Only a public answer from one of our agents meets the response target
    When 5 minutes pass
    And the chatbot answers "Have you tried restarting the VPN client?"
    And the desk sends the automatic acknowledgement "We have received your request"
    And Bo adds the work note "Probably the VPN profile again"
    And 10 minutes pass
    Then the SLA clocks read:
      | metric   | state   | elapsed |
      | response | running | 15m     |
    When Bo comments "We are rebuilding your VPN profile now"
    Then the SLA clocks read:
      | metric   | state | elapsed | remaining |
      | response | met   | 15m     | 45m       |

  Scenario: Every customer message after the first answer waits for the next reply
    When 10 minutes pass
    And Bo comments "We are looking into it"
    And 20 minutes pass
    And Carla comments "It is still dropping"
    And 10 minutes pass
    And Carla comments "Now it does not connect at all"
    And the chatbot answers "Have you tried restarting the VPN client?"
    And 15 minutes pass
    Then the SLA clocks read:
      | metric     | clock        | state   | elapsed | due in Madrid           |
      | next_reply | next_reply#1 | running | 25m     | Monday 2026-03-02 10:00 |
    When Bo comments "Please try the profile I have just sent you"
    And 5 minutes pass
    And Carla comments "That worked, but the printer drops too"
    And 45 minutes pass
    Then the SLA clocks read:
      | metric     | clock        | state    | cycles met | cycles breached |
      | next_reply | next_reply#2 | breached | 1          | 1               |

  Scenario: Periodic updates run from one public agent message to the next
    When 15 minutes pass
    And Bo comments "We are on it"
    And 1 hour passes
    And Bo comments "Update: the network team is looking at the concentrator"
    And 1 hour passes
    And Bo adds the work note "Vendor ticket 4711 opened"
    And 90 minutes pass
    Then the SLA clocks read:
      | metric          | clock             | state    | elapsed | cycles met | cycles breached |
      | periodic_update | periodic_update#2 | breached | 2h30m   | 1          | 1               |

  Scenario: The requester waits while we work, not while we wait for the requester
    When Ana starts the incident
    And 1 hour passes
    And Ana puts the incident on hold with reason "awaiting_caller"
    And 2 hours pass
    And Ana resumes the incident
    And 1 hour passes
    And Ana puts the incident on hold with reason "awaiting_change"
    And 30 minutes pass
    Then the SLA clocks read:
      | metric         | state   | elapsed | remaining |
      | requester_wait | running | 2h30m   | 5h30m     |
      | agent_work     | paused  | 2h      | 2h        |
      | resolution     | running | 2h30m   | 13h30m    |

  Scenario: Agent work counts while the incident is new or in progress, and again after a reopen
    When 30 minutes pass
    And Ana starts the incident
    And 1 hour passes
    And Ana puts the incident on hold with reason "awaiting_vendor"
    And 2 hours pass
    And Ana resumes the incident
    And 30 minutes pass
    And Ana resolves the incident with code "profile rebuilt"
    And 1 hour passes
    And Carla reopens the incident because "It dropped again"
    And it is Monday 15:30 in Madrid
    Then the SLA clocks read:
      | metric     | state   | elapsed | due in Madrid           |
      | agent_work | running | 2h30m   | Monday 2026-03-02 17:00 |

  Scenario: A customer kept waiting past the limit is handed to the second line
    Given "conversations" hands a conversation left waiting 2h to the "tier2" group
    And the "tier2" specialist group
    And the incident is assigned to the "service-desk" group
    When 5 minutes pass
    And Bo comments "We are on it"
    And 7 minutes pass
    And Carla comments "It is urgent: payroll closes at noon"
    And it is Monday 11:20 in Madrid
    And the SLA timer runs
    Then for waiting conversations the timer raises:
      | clock     | moment | due in Madrid           | handed to | because                        |
      | waiting#2 | limit  | Monday 2026-03-02 11:12 | tier2     | customer waited 2h since 09:12 |
    And the incident is with the "tier2" group
    When the SLA timer runs
    Then the timer raises nothing

  Scenario: A manager is brought in when a customer has waited too long
    Given "conversations" brings in the team manager when a customer has waited 2h
    And the "service-desk" team, whose team manager is Tom
    And the incident is assigned to the "service-desk" group
    When Ana starts the incident
    And 5 minutes pass
    And Bo comments "We are on it"
    And 7 minutes pass
    And Carla comments "It is urgent: payroll closes at noon"
    And 30 minutes pass
    And Ana puts the incident on hold with reason "awaiting_vendor"
    And 1 hour passes
    And Ana resumes the incident
    And it is Monday 12:30 in Madrid
    And the SLA timer runs
    Then for waiting conversations the timer raises:
      | clock     | moment | due in Madrid           | brought in   | because                        |
      | waiting#2 | limit  | Monday 2026-03-02 12:12 | team manager | customer waited 2h since 09:12 |
    And Tom is brought in because "customer waited 2h since 09:12"
