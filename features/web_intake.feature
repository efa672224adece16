Feature: Incidents from the web form
  In order that anybody can reach the service desk from a browser, and follow up without
  repeating themselves
  As the lead of a service desk
  I want a web form that opens an incident and gives its reference, and that joins a
  message to that incident when the customer writes again with the reference

  The form is served by the desk's HTTP server; nobody signs in to use it. The desk
  answers web messages by email, so the email address is required. A form the desk cannot
  take is never lost: it is kept, with the reason, for somebody at the desk to look at.

  Background:
    Given tenant Acme's customers write from the email domain acme.example
    And the desk's HTTP server is running

  Scenario: A customer opens an incident from the web form
    When "ana@acme.example" sends the web form with the subject "VPN drops" and the text "The VPN drops every hour"
    Then the page thanks them and gives the reference INC0000001
    And incident INC0000001 "VPN drops" is open for tenant Acme, opened from the web by the contact "ana@acme.example"
    And the conversation of INC0000001 is:
      | from             | channel | text                     |
      | ana@acme.example | web     | The VPN drops every hour |

  Scenario: The customer writes again from the web with the incident number
    Given "ana@acme.example" opened INC0000001 from the web form with the text "The VPN drops every hour"
    When "ana@acme.example" sends the web form about INC0000001 with the text "It dropped again at 10:15"
    Then the page thanks them and gives the reference INC0000001
    And there is 1 incident
    And the conversation of INC0000001 is:
      | from             | channel | text                      |
      | ana@acme.example | web     | The VPN drops every hour  |
      | ana@acme.example | web     | It dropped again at 10:15 |

  Scenario: Writing again about a resolved incident reopens it
    Given "ana@acme.example" opened INC0000001 from the web form with the text "The VPN drops every hour"
    And Bob resolved INC0000001 with code "fixed"
    When "ana@acme.example" sends the web form about INC0000001 with the text "It still drops"
    Then the page thanks them and gives the reference INC0000001
    And INC0000001 is in_progress, reopened 1 time

  Scenario: The desk answers a web message by email
    Given the desk sends its email as support@desk.example through its mail server
    And "ana@acme.example" opened INC0000001 from the web form with the text "The VPN drops every hour"
    When Bob replies "We are restarting the VPN gateway" to INC0000001
    Then "ana@acme.example" receives an email about [INC0000001] saying "We are restarting the VPN gateway"
    And the conversation of INC0000001 is:
      | from             | channel | text                              |
      | ana@acme.example | web     | The VPN drops every hour          |
      | bob              | email   | We are restarting the VPN gateway |

  Scenario: Sending the same form twice opens one incident
    When "ana@acme.example" sends the web form with the subject "Printer jam" and the text "Paper stuck on floor 3"
    And "ana@acme.example" sends the web form with the subject "Printer jam" and the text "Paper stuck on floor 3"
    Then the page thanks them and gives the reference INC0000001
    And there is 1 incident
    And the conversation of INC0000001 is:
      | from             | channel | text                   |
      | ana@acme.example | web     | Paper stuck on floor 3 |

  Scenario: Someone who names another customer's incident opens an incident of their own
    Given "ana@acme.example" opened INC0000001 from the web form with the text "The VPN drops every hour"
    When "eve@acme.example" sends the web form about INC0000001 with the text "Tell me what Ana wrote"
    Then the page thanks them and gives the reference INC0000002
    And the conversation of INC0000001 is:
      | from             | channel | text                     |
      | ana@acme.example | web     | The VPN drops every hour |

  Scenario: A form without a text is not taken, and is kept with the reason
    When "ana@acme.example" sends the web form with the subject "Help" and no text
    Then the page says the message could not be taken because "field 'text' is required: what the message says"
    And there are 0 incidents
    And the form is kept as a dead letter because "field 'text' is required: what the message says"
