Feature: Customers on WhatsApp
  In order that customers can reach the service desk from the app they already use to
  talk to everybody, and are answered there
  As the lead of a service desk
  I want WhatsApp messages to open and join incidents, agents' replies to go back on
  WhatsApp within the rules WhatsApp sets, and to see whether the customer read them

  The desk's WhatsApp Business number is connected through Meta's Cloud API: Meta posts
  every customer message to the desk, signed with the app's secret, and the desk sends its
  replies through Meta. WhatsApp lets a business write freely to a customer only within 24
  hours of the customer's last message; after that, only a template Meta has approved.

  Background:
    Given the desk's WhatsApp Business number is connected
    And the desk clock reads 2026-03-02 09:00 UTC

  Scenario: A customer writes on WhatsApp and gets an incident
    When Ana López writes "The VPN drops every hour" on WhatsApp from +34 600 111 222
    Then incident INC0000001 "The VPN drops every hour" is open for the contact "Ana López"
    And the contact "Ana López" is reached on WhatsApp as 34600111222 and by phone as +34600111222

  Scenario: Writing again joins the same incident
    Given Ana López wrote "The VPN drops every hour" on WhatsApp from +34 600 111 222
    When 2 hours pass
    And Ana López writes "It dropped again at 11:00" on WhatsApp from +34 600 111 222
    Then there is 1 incident
    And the conversation of INC0000001 is:
      | from        | channel  | text                      |
      | 34600111222 | whatsapp | The VPN drops every hour  |
      | 34600111222 | whatsapp | It dropped again at 11:00 |

  Scenario: The agent replies inside the 24-hour window
    Given Ana López wrote "The VPN drops every hour" on WhatsApp from +34 600 111 222
    When 23 hours pass
    And Bob replies "We are restarting the VPN gateway" to INC0000001
    Then Ana López receives on WhatsApp the text "We are restarting the VPN gateway"

  Scenario: After 24 hours only a template message can be sent
    Given Ana López wrote "The VPN drops every hour" on WhatsApp from +34 600 111 222
    When 25 hours pass
    And Bob tries to reply "Is it working now?" to INC0000001
    Then the reply is refused because the customer-service window is closed
    And Ana López has received nothing on WhatsApp
    When Bob replies "Is it working now?" to INC0000001 with the template "case_update"
    Then Ana López receives on WhatsApp the template "case_update" about INC0000001

  Scenario: A forged message is refused and kept as a dead letter
    When someone posts a message from +34 600 111 222 without the app's signature
    Then the desk refuses it as unauthenticated
    And there are 0 incidents
    And it is kept as a dead letter saying "the x-hub-signature-256 header does not match the payload"

  Scenario: The agent sees that the customer read the reply
    Given Ana López wrote "The VPN drops every hour" on WhatsApp from +34 600 111 222
    And Bob replied "We are restarting the VPN gateway" to INC0000001
    When WhatsApp reports the reply delivered
    And WhatsApp reports the reply read
    And WhatsApp reports the reply delivered
    Then the delivery of the reply to INC0000001 shows it read
