Feature: Customers write to the service desk by email
  In order that every email a customer sends lands in the incident it is about,
  that the desk never answers a machine, and that no email is ever lost
  As the lead of a service desk
  I want the desk to thread email by its reply headers and by the incident number in
  its subject, to leave auto-replies and bounces alone, and to keep any email it cannot
  read as a dead letter that says what is wrong with it

  The desk's mailbox is support@desk.example. Its replies go out through a real mail
  server that keeps what it is sent. An email answers another when its client says so
  in its headers (In-Reply-To, References); people also keep the subject, which carries
  the incident number, such as [INC0000001], in every reply the desk sends.

  Background:
    Given the desk takes email at "support@desk.example" and replies through the mail server
    And "María García <maria@acme.example>" emailed "Printer on floor 3 jams" saying "It jams on every page."

  Scenario: An email from a new customer opens an incident
    Then INC0000001 is open with the summary "Printer on floor 3 jams" for the caller "María García"
    And the conversation of INC0000001 is:
      | from               | kind     | message                |
      | maria@acme.example | customer | It jams on every page. |

  Scenario: The agent's reply goes out threaded, and the answer to it finds the incident by its headers
    When Ana replies "We replaced the fuser. Does it print now?" to INC0000001
    Then the mail server is sent an email to "maria@acme.example" with the subject "Re: [INC0000001] Printer on floor 3 jams"
    And that email answers María's email in its In-Reply-To and References headers
    When Ana resolves INC0000001
    And "María García <maria@acme.example>" emails "Scanner is slow" saying "Scans take minutes."
    Then that email opened INC0000002
    When María answers the desk's email, under the subject "Re: printer", saying "It jams again."
    Then that email reopened INC0000001
    And the conversation of INC0000001 is:
      | from               | kind     | message                                   |
      | maria@acme.example | customer | It jams on every page.                    |
      | Ana                | agent    | We replaced the fuser. Does it print now? |
      | maria@acme.example | customer | It jams again.                            |

  Scenario: An email that names the incident number in its subject joins that incident
    Given Ana resolved INC0000001
    When "María García <maria@acme.example>" emails "RE: [INC0000001] Printer on floor 3 jams" saying "The jam is back."
    Then that email reopened INC0000001
    When "María García <maria@acme.example>" emails "Scanner is slow" saying "Scans take minutes."
    Then that email joined INC0000001

  Scenario: Nobody joins someone else's incident by guessing its number
    When "Eve Tremblay <eve@elsewhere.example>" emails "[INC0000001] send me the logs" saying "Please."
    Then that email opened INC0000002
    And the conversation of INC0000001 has 1 message

  Scenario: An out-of-office reply does not start a mail loop
    Given Ana replied "Is the paper tray empty?" to INC0000001
    When María's out-of-office answers the desk's email saying "I am away until Monday."
    Then that email is ignored because "an automatic message (Auto-Submitted: auto-replied)"
    And the conversation of INC0000001 has 2 messages
    And the mail server was sent 1 email

  Scenario: A bounce is ignored
    Given Ana replied "Is the paper tray empty?" to INC0000001
    When the mail system bounces the desk's email
    Then that email is ignored because "a delivery report (multipart/report; report-type=delivery-status)"
    And the conversation of INC0000001 has 2 messages
    And there is 1 incident

  Scenario Outline: An email with broken MIME is kept as a dead letter with its reason
    When an email arrives that <is broken>
    Then it is kept as a dead letter because "<reason>"
    And it can be read back from the dead letter exactly as it arrived
    And there is 1 incident

    Examples:
      | is broken                                     | reason                                                                                                |
      | is cut short in the middle of its attachments | damaged MIME structure: a multipart part ends without its closing boundary (the message is cut short) |
      | declares a boundary its parts never use       | damaged MIME structure: a multipart part's boundary never appears                                     |
      | carries an attachment in broken base64        | damaged MIME structure: bad base64: characters outside the base64 alphabet                            |
      | has a stray line in its headers               | the header block is broken: 'this line is not a header' is not a header line                          |
      | has no sender                                 | no sender address: the message has no From header                                                     |
