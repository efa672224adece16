Feature: One conversation, whatever the channel
  In order that nobody has to repeat themselves when they switch from one channel to another
  As the lead of a service desk
  I want every message a person sends, on any channel, to join that person's open incident,
  so that the agent reads the whole conversation in order, and I want our replies to reach
  them on the channel they last used (or the one the agent chooses), threaded with what
  they wrote

  The desk takes email at support@desk.example and sends its replies through a real mail
  server that keeps what it is sent. Customers also write on the web form, and by text
  message through the SMS gateway (the example plugin of the documentation), which keeps
  the texts the desk sends. Acme's people write from acme.example.

  Background:
    Given the desk takes email at "support@desk.example" and sends its replies through the mail server
    And the SMS gateway takes the desk's texts
    And the tenant "acme" whose people write from "acme.example"

  Scenario: An email and then the web form, by the same person, are one incident in order
    When "Ana López <ana@acme.example>" emails "VPN drops every hour" saying "Since this morning."
    And 10 minutes pass
    And "ana@acme.example" writes on the web form "It dropped again at 09:08."
    Then there is one incident, for tenant "acme", opened by email for "Ana López"
    And its conversation is:
      | from             | channel | kind     | message                    |
      | ana@acme.example | email   | customer | Since this morning.        |
      | ana@acme.example | web     | customer | It dropped again at 09:08. |
    And "ana@acme.example" is one contact with that one incident

  Scenario: The agent's reply goes out by email, threaded, and her answer by email joins the incident
    Given "Ana López <ana@acme.example>" emailed "VPN drops every hour" saying "Since this morning."
    And "ana@acme.example" wrote on the web form "It dropped again at 09:08."
    When Bob replies "We are replacing the VPN gateway tonight."
    Then the mail server is sent one email, from "support@desk.example" to "ana@acme.example"
    And its subject is "Re: [INC0000001] VPN drops every hour"
    And it answers her email in its In-Reply-To and References headers
    And the reply is recorded in the conversation with the email's Message-ID
    When Ana answers that email saying "Thanks, it works now."
    Then her answer joins INC0000001 by its headers

  Scenario: A reply goes out on the channel the person last used, unless the agent chooses another
    Given "ana@acme.example" wrote on the web form "The printer jams." giving her mobile "+34 600 111 222"
    And 5 minutes pass
    And "+34 600 111 222" texts the desk "It is the one on floor 3."
    When Bob replies "Try the other tray."
    Then the SMS gateway is sent "Try the other tray." for "+34600111222"
    And the mail server is sent no email
    When Bob replies "Here is the manual." by email
    Then the mail server is sent one email, from "support@desk.example" to "ana@acme.example"
    And the conversation shows the replies going out by sms and by email

  Scenario: Two contacts found to be one person are merged, and their channels meet in one incident
    Given "Luis Pérez <luis@acme.example>" emailed "Laptop will not boot" saying "Black screen."
    And "+34 600 222 333" texted the desk "Hello, any news on my laptop?"
    Then there are 2 incidents
    When the contact "+34600222333" is merged into "luis@acme.example"
    And "+34 600 222 333" texts the desk "Still black."
    Then the text joins the incident "Laptop will not boot"
    And "luis@acme.example" is one contact with the identities "email:luis@acme.example, phone:+34600222333"

  Scenario: Only the agent's reply meets the response target, not the automatic acknowledgement
    Given "Ana López <ana@acme.example>" emailed "VPN drops every hour" saying "Since this morning."
    When the desk acknowledges it automatically
    Then the response clock is still running
    When 12 minutes pass
    And Bob replies "We are on it."
    Then the response clock is met after 12 minutes
