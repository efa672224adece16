Feature: Routing work to agents
  In order that every piece of work reaches someone who can do it, soon, and fairly
  As the lead of a service desk that supports several client companies (tenants)
  I want the router to give each waiting item to the right agent, to say why, and to tell
  everyone waiting where they stand

  An agent may take an item when the agent covers the item's tenant at that instant, has the
  skill and the language the item needs, is available, and has free capacity on the item's
  channel: by default an agent holds at most 1 call, 3 chats, 8 emails and 5 items of any
  other channel at once. Of those agents, the one idle longest takes it. In the shared pool,
  tenants take equitable turns, weighted by their contracts. A hybrid tenant's item that no
  agent of its dedicated team takes within the overflow wait of its contract overflows to
  the shared pool; a dedicated tenant's item never does. Every decision is recorded with its
  reason, and every waiting item has a place in the queue and an estimated wait (one call
  lasts about 6 minutes, a chat 12, an email 30).

  Times are Paris time. Each scenario starts on Monday 2 March 2026 at 09:00. The router hands
  out the waiting work when a step says it runs (in service, it runs every few seconds).

  Background:
    Given the shared pool works round the clock
    And tenant Acme is served by a dedicated team on weekdays 08:00–18:00 Paris time
    And tenant Globex is served by a dedicated team on weekdays 08:00–18:00 Paris time, and by the shared pool on nights, weekends and overflow
    And tenants Initech and Hooli are served by the shared pool

  # --- capacity ---------------------------------------------------------------------------

  Scenario Outline: An agent holds at most its capacity of a channel at once
    Given Cy works in the shared pool
    And Cy is available
    When Initech sends <sent> items by <channel>
    And the router runs
    Then Cy holds <held> of them
    And <waiting> waits in the queue

    Examples:
      | channel | sent | held | waiting |
      | voice   | 2    | 1    | 1       |
      | chat    | 4    | 3    | 1       |
      | email   | 9    | 8    | 1       |
      | portal  | 6    | 5    | 1       |

  Scenario: Each channel has its own capacity
    Given Cy works in the shared pool
    And Cy is available
    When Initech sends these items:
      | channel | items |
      | voice   | 2     |
      | chat    | 4     |
      | email   | 9     |
      | portal  | 3     |
      | sms     | 3     |
    And the router runs
    Then Cy holds:
      | channel | items |
      | voice   | 1     |
      | chat    | 3     |
      | email   | 8     |
      | other   | 5     |
    And 4 wait in the queue

  # --- who takes it -----------------------------------------------------------------------

  Scenario: The agent idle longest takes the next item
    Given Cy, Dee and Eve work in the shared pool
    And they became available at these times:
      | agent | available at |
      | Cy    | 09:00        |
      | Eve   | 09:10        |
      | Dee   | 09:20        |
    When Initech sends an email at each of these times, the router running after each:
      | at    |
      | 09:30 |
      | 09:35 |
      | 09:40 |
      | 09:45 |
    Then the router decided:
      | item                      | agent | reason                                                                                      |
      | Email from Initech, 09:30 | Cy    | the shared pool serves this tenant; longest idle eligible agent in Shared pool, idle 30 min |
      | Email from Initech, 09:35 | Eve   | the shared pool serves this tenant; longest idle eligible agent in Shared pool, idle 25 min |
      | Email from Initech, 09:40 | Dee   | the shared pool serves this tenant; longest idle eligible agent in Shared pool, idle 20 min |
      | Email from Initech, 09:45 | Cy    | the shared pool serves this tenant; longest idle eligible agent in Shared pool, idle 15 min |

  Scenario: An agent who is away, busy or offline takes no work
    Given Cy, Dee and Eve work in the shared pool
    And Cy is away
    And Dee is busy
    And Eve is available
    When Initech sends 1 item by email
    And the router runs
    Then Eve takes it for the shared pool
    When Eve is offline
    And Initech sends 1 item by email
    And the router runs
    Then nobody takes it, because "no available agent with email capacity in Shared pool"

  Scenario: An item that needs a skill or a language goes to an agent who has it
    Given these agents work in the shared pool, available since 09:00:
      | agent | skills | languages |
      | Cy    |        | en        |
      | Dee   | sap    | en        |
      | Eve   |        | en, fr    |
    When it is Monday 09:30
    And Initech sends these emails:
      | item                | skill  | language |
      | Invoice run fails   | sap    |          |
      | Imprimante en panne |        | fr       |
      | Password reset      |        |          |
      | Listener down       | oracle |          |
    And the router runs
    Then the router decided:
      | item                | agent  | reason                                                                                      |
      | Invoice run fails   | Dee    | the shared pool serves this tenant; longest idle eligible agent in Shared pool, idle 30 min |
      | Imprimante en panne | Eve    | the shared pool serves this tenant; longest idle eligible agent in Shared pool, idle 30 min |
      | Password reset      | Cy     | the shared pool serves this tenant; longest idle eligible agent in Shared pool, idle 30 min |
      | Listener down       | nobody | no available agent with email capacity, skill oracle in Shared pool                         |

  # --- overflow ---------------------------------------------------------------------------

  Scenario: A hybrid tenant's call overflows to the shared pool when nobody of its team frees up in time
    Given Globex's items overflow to the shared pool after 15 minutes
    And Gil works in Globex's dedicated team
    And Cy works in the shared pool
    And Gil and Cy are available
    And Gil is on a call for Globex
    When Globex calls at 10:00
    And the router runs
    And 14 minutes pass
    And the router runs
    Then nobody takes it
    When 1 minute passes
    And the router runs
    Then Cy takes it for the shared pool
    And the routing log of the call reads:
      | decision   | agent | reason                                                                                                        |
      | Queued     |       |                                                                                                               |
      | Waiting    |       | no available agent with voice capacity in Globex's dedicated team                                             |
      | Overflowed |       | waited 15 min for the dedicated team                                                                          |
      | Routed     | Cy    | overflow: the dedicated team and the shared pool; longest idle eligible agent in Shared pool, idle 1 h 15 min |

  Scenario: A hybrid tenant's call stays with its team when someone frees up within the overflow wait
    Given Globex's items overflow to the shared pool after 15 minutes
    And Gil works in Globex's dedicated team
    And Cy works in the shared pool
    And Gil and Cy are available
    And Gil is on a call for Globex
    When Globex calls at 10:00
    And the router runs
    And 10 minutes pass
    And Gil finishes the call
    And the router runs
    Then Gil takes it for Globex's dedicated team
    When 10 minutes pass
    And the router runs
    Then it has not overflowed to the shared pool

  Scenario: A dedicated tenant's work never overflows, whatever its contract says
    Given Acme's items overflow to the shared pool after 15 minutes
    And Ana works in Acme's dedicated team
    And Cy works in the shared pool
    And Ana and Cy are available
    And Ana is on a call for Acme
    When Acme calls at 10:00
    And the router runs
    And 1 hour passes
    And the router runs
    Then nobody takes it, because "no available agent with voice capacity in Acme's dedicated team"
    And it has not overflowed to the shared pool

  # --- turns and the queue ----------------------------------------------------------------

  Scenario Outline: The shared pool gives its tenants equitable turns, weighted by their contracts
    Given Initech's contract weight is <weight>
    And Cy works in the shared pool
    And Cy is available
    When these calls arrive, a minute apart from 10:00:
      | caller  |
      | Hooli   |
      | Hooli   |
      | Hooli   |
      | Initech |
      | Initech |
      | Initech |
    And Cy answers the waiting calls one after another
    Then Cy answered the callers in this order: <order>

    Examples:
      | weight | order                                          |
      | 1      | Hooli, Initech, Hooli, Initech, Hooli, Initech |
      | 2      | Hooli, Initech, Initech, Hooli, Initech, Hooli |

  Scenario: Turns are shared among the tenants waiting now, whatever each was served before
    Given Cy works in the shared pool
    And Cy is available
    When these calls arrive, a minute apart from 09:00:
      | caller  |
      | Initech |
      | Initech |
      | Initech |
      | Initech |
    And Cy answers the waiting calls one after another
    And these calls arrive, a minute apart from 10:00:
      | caller  |
      | Initech |
      | Hooli   |
      | Initech |
      | Hooli   |
      | Initech |
      | Hooli   |
    And Cy answers the waiting calls one after another
    Then Cy answered the callers in this order: Initech, Hooli, Initech, Hooli, Initech, Hooli

  Scenario: Every waiting item has a place in the queue and an estimated wait
    Given Cy and Dee work in the shared pool
    And Cy and Dee are available
    And Cy is on a call for Initech
    And Dee is on a call for Hooli
    When these calls arrive, a minute apart from 10:00:
      | caller  |
      | Initech |
      | Hooli   |
      | Initech |
    And the router runs
    Then the queue reads:
      | item                     | position | estimated wait |
      | Call from Initech, 10:00 | 1        | 6 minutes      |
      | Call from Hooli, 10:01   | 2        | 6 minutes      |
      | Call from Initech, 10:02 | 3        | 12 minutes     |

  Scenario: Items that the free agents can take at once have no wait
    Given Cy and Dee work in the shared pool
    And Cy and Dee are available
    When these calls arrive, a minute apart from 10:00:
      | caller  |
      | Initech |
      | Initech |
      | Initech |
      | Initech |
    Then the queue reads:
      | item                     | position | estimated wait |
      | Call from Initech, 10:00 | 1        | 0 minutes      |
      | Call from Initech, 10:01 | 2        | 0 minutes      |
      | Call from Initech, 10:02 | 3        | 6 minutes      |
      | Call from Initech, 10:03 | 4        | 6 minutes      |

  # --- functional escalation --------------------------------------------------------------

  Scenario: An incident is escalated to the specialist group its category names
    Given the Network specialist group works round the clock
    And Globex's contract sends network incidents to the Network group
    And Gil works in Globex's dedicated team
    And Ned works in the Network group
    And Cy works in the shared pool
    And Gil, Ned and Cy are available
    And a network incident of Globex that Gil has taken
    When it is Monday 10:00
    And Gil escalates it
    Then it waits for the Network group, with nobody assigned yet
    And the reassignment count is 1
    When the router runs
    Then Ned takes it for the Network group
    And the router's reason is "escalated to specialist group Network; longest idle eligible agent in Network, idle 1 h 00 min"
    And the reassignment count is 1

  Scenario: An incident is escalated by hand to a specialist group
    Given the Network specialist group works round the clock
    And the Database specialist group works round the clock
    And Globex's contract sends network incidents to the Network group
    And Gil works in Globex's dedicated team
    And Ned works in the Network group
    And Dora works in the Database group
    And Gil, Ned and Dora are available
    And a network incident of Globex that Gil has taken
    When Gil escalates it to the Database group
    Then it waits for the Database group, with nobody assigned yet
    And the reassignment count is 1
    When the router runs
    Then Dora takes it for the Database group

  Scenario: Without a group, only a category the contract maps can be escalated
    Given the Network specialist group works round the clock
    And Globex's contract sends network incidents to the Network group
    And Gil works in Globex's dedicated team
    And Gil is available
    And a printing incident of Globex that Gil has taken
    When Gil tries to escalate it
    Then the desk refuses it with InvalidValueError for an invalid specialist group
    And the incident is unchanged

  Scenario Outline: Only a specialist group takes an escalation
    Given the Network specialist group works round the clock
    And Ana works in Acme's dedicated team
    And Gil works in Globex's dedicated team
    And Ana and Gil are available
    And a network incident of Globex that Gil has taken
    When Gil tries to escalate it to <team>
    Then the desk refuses it with InvalidValueError for an invalid specialist group
    And the incident is unchanged

    Examples:
      | team                  |
      | Acme's dedicated team |
      | the shared pool       |
