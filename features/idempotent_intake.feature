Feature: Every message is taken exactly once
  In order that a webhook the sender retries, or a mailbox fetched twice, never duplicates an
  incident or a message, and that nothing sent to the desk is ever lost
  As the lead of a service desk
  I want the desk to take each message of each channel once, by the channel's own id for
  it, even when two of our servers receive it at the same moment, and to keep whatever it
  cannot take, as it came, with the reason

  The desk takes email at support@desk.example; customers also write on the web form, whose
  page gives each message an id of its own, and by text message through the SMS gateway,
  which signs what it posts.

  Background:
    Given the desk takes email at "support@desk.example"
    And the SMS gateway signs what it posts with the desk's secret

  Scenario: A web form message delivered 100 times creates one message
    When the same web form message from "ana@acme.example" is delivered 100 times
    Then the first delivery opened an incident and the other 99 were duplicates of it
    And the desk holds 1 incident with 1 message, and 1 contact

  Scenario: The same email fetched twice from the mailbox is taken once
    Given the mailbox holds 3 emails from customers
    When the desk fetches the mailbox
    And the desk fetches the mailbox again
    Then the first fetch opened 3 incidents and the second found 3 duplicates
    And the desk holds 3 incidents with 3 messages

  Scenario: A text message the gateway retries after a timeout is taken once, and the customer's next one joins it
    When the gateway posts the text "Wifi is down" from "+34 600 111 222" twice
    And the gateway posts the text "Still down" from "+34 600 111 222"
    Then the desk holds 1 incident with 2 messages, and 1 contact

  Scenario: Two servers receive the same messages at the same moment
    Given a second server on the same database
    When both servers receive the same 10 emails at the same moment
    Then each email was taken once and found as a duplicate once
    And the desk holds 10 messages

  Scenario: An out-of-office reply delivered twice is recorded once and never answered
    When an out-of-office reply from "ana@acme.example" is delivered twice
    Then it was left alone because "an automatic message (Auto-Submitted: auto-replied)", then found as a duplicate
    And the desk holds 0 incidents

  Scenario: What cannot be taken is kept, as it came, until it is taken or discarded
    When the gateway posts a text the desk cannot read
    Then the payload is kept as a dead letter because "not JSON: Expecting value: line 1 column 1 (char 0)"
    When the same payload is delivered again
    Then it is kept as a second dead letter, since nothing in it says it is the same message
    And each dead letter holds the payload byte for byte
