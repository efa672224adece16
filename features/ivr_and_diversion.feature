Feature: The phone line, with an IVR and call diversion
  In order that callers reach the right people quickly, are never asked to repeat
  themselves, and are not left waiting when the team is short
  As the lead of a service desk
  I want an IVR that answers simple questions by itself and queues the rest for the
  tenant's team, every call taking the answering agent for its length, and calls diverted
  to the shared pool when the wait is too long, while the team still answers its share

  The telephony system tells the desk what happens to each call (offered, answered,
  transferred, ended, abandoned), signed with a secret the two share, and asks the desk
  what to do next with the keys the caller pressed. A caller is known by their phone
  number, on every channel.

  Background:
    Given tenant Acme is served by its team Lea and Marc, with the shared pool Omar
    And the phone line of Acme has the IVR:
      """
      [menus.main]
      prompt = "Welcome to Acme support. Press 1 if you forgot your password, 2 for the service desk."
      [menus.main.choices]
      "1" = { search = "forgot password" }
      "2" = { queue = "desk" }
      "9" = { callback = true }

      [queues.desk]
      team = "acme-desk"

      [diversion]
      wait_threshold_minutes = 5
      to = "pool"
      minimum_team_share = 0.6
      """
    And the knowledge base answers "Reset your password" with "Open the portal and choose Forgot password."

  Scenario: The agent who answers sees the caller's incident and the whole conversation
    Given "ana@acme.example" wrote on the web form "The VPN drops every hour", with her phone number +34600111222
    When +34600111222 calls, presses 2 and Lea answers
    Then Lea sees incident INC0000001 of the caller "ana@acme.example" with the conversation:
      | channel | text                                                                  |
      | web     | The VPN drops every hour                                              |
      | voice   | Phone call from +34600111222 to +34910000000                          |
      | voice   | Call queued for desk: estimated wait 0 min is within 5 min: queued for the team |
      | voice   | Call answered by lea after 0 s                                        |
    And there is 1 incident

  Scenario: The IVR answers a simple question by itself
    When +34600111222 calls and presses 1
    Then the IVR reads out "Open the portal and choose Forgot password." and the main menu again

  Scenario: A call holds the agent's one voice place until it ends
    Given +34600111222 calls, presses 2 and Lea answers
    When +34600333444 calls and presses 2
    Then the call from +34600333444 is put through to Marc
    And Lea is on 1 call and can take no other
    When the call from +34600111222 ends after 4 minutes
    Then Lea is on 0 calls
    And the conversation of INC0000001 ends with "Call ended: talked 4 min 00 s, 4 min 00 s in all"

  Scenario: Calls divert to the shared pool when the wait is long, but the team keeps its share
    Given Lea and Marc are each on a call
    When 4 more callers press 2
    Then the calls go:
      | caller | to    | why                                                    |
      | 1      | pool  | estimated wait 6 min is over 5 min: diverted to pool   |
      | 2      | queue | the team must answer at least 60% of calls             |
      | 3      | pool  | estimated wait 6 min is over 5 min: diverted to pool   |
      | 4      | queue | the team must answer at least 60% of calls             |
    And the team has answered 4 of the 6 calls decided today

  Scenario: A caller who finds everyone busy asks to be called back
    Given Lea and Marc are each on a call
    And Omar is away
    When +34600555666 calls and presses 2
    Then the IVR offers a callback with the key "*"
    When the caller presses *
    Then a callback to +34600555666 is waiting for the next free agent
    When the call of Lea ends
    And the desk routes the waiting work
    Then the callback to +34600555666 is with Lea

  Scenario: A forged call event is kept aside, never taken
    When a call event arrives with a wrong signature
    Then it is kept as a dead letter because "the x-voice-signature header does not match the payload"
    And no call is known

  Scenario Outline: An IVR with a mistake is refused, naming the key
    When the IVR file is checked with "<line>"
    Then it is refused with "<message>"

    Examples:
      | line                                        | message                                                                     |
      | [menus.main.choices] "1" = { queu = "x" }   | menus.main.choices.1.queu: unknown key (expected one of article, callback, menu, queue, search) |
      | [menus.main.choices] "1" = { queue = "x" }  | menus.main.choices.1.queue: no queue named 'x' (define [queues])            |
      | [menus.main.choices] "1" = { menu = "y" }   | menus.main.choices.1.menu: no menu named 'y'                                |
