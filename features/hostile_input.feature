Feature: Hostile input is refused, kept and explained
  In order that a service desk keeps working when someone replays, floods or forges what
  it receives, and that a portal shows a customer only what is theirs
  As the lead of a service desk
  I want replayed signed messages refused, absurd payloads kept as dead letters with the
  limit they broke, and read-only portals that can change nothing

  The SMS gateway signs each message with the time it sends it; the desk gives a signed
  request five minutes either way of its own clock.

  Background:
    Given the SMS gateway signs each message with the time it sends it

  Scenario: A signed text message replayed ten minutes later is refused
    When the gateway posts the text "Wifi is down" from "+34 600 111 222"
    And someone posts the same signed request again 10 minutes later
    Then the first was taken and opened an incident
    And the replay was kept as a dead letter because it is "outside the window of 300 s"
    And the desk holds 1 incident

  Scenario: A text message signed with a moved clock is refused
    When the gateway posts the text "Wifi is down" from "+34 600 111 222" signed 6 minutes ahead
    Then it was kept as a dead letter because it is "outside the window of 300 s"
    And the desk holds 0 incidents

  Scenario: A web form nested thousands of levels deep is kept with the limit it broke
    When someone posts a web form nested 10000 levels deep
    Then it was kept as a dead letter because it is "nested more than 64 levels deep"
    And the desk holds 0 incidents

  Scenario: A read-only portal token reads its tenant's incidents and changes nothing
    Given the tenant "acme" has an incident "Printer jam"
    And acme's portal has a read-only API token
    When the portal reads the incident over the API
    And the portal tries to comment on it over the API
    Then the portal saw the incident
    And the comment was refused because "the API token is read-only"
    And the incident has no comment
