Feature: Knowledge base
  In order that customers find answers by themselves, and agents give the same workaround every time
  As the lead of a service desk that supports several client companies
  I want our articles published in a knowledge base that finds the right one for the question asked

  A lead writes articles as drafts and publishes them; only published articles are found.
  An article is shared with every client company, or private to one of them. A known
  error names the problem record it belongs to and the workaround agents give until the
  problem is fixed. Search ranks articles by how well they answer the question, with a
  score from 0 to 1; the self-service bot answers only when the best article scores at
  least 0.3, and hands over to a person otherwise.

  Background:
    Given the client companies Acme and Globex, both served by the shared pool
    And Ana works in the shared pool
    And Lena, the lead, has published these articles:
      | title                                | language | for      | keywords           | text                                                                                           |
      | Reset your email password            | English  | everyone | password, login    | If you forgot your password, open the self-service portal and choose Forgot password.           |
      | Restablecer la contraseña del correo | Spanish  | everyone | contraseña, correo | Si olvidó su contraseña, abra el portal de autoservicio y elija Olvidé mi contraseña.           |
      | Connect to the office VPN            | English  | everyone | vpn, remote access | Install the VPN client, sign in with your email address and approve the prompt on your phone. |
      | Clear a paper jam                    | English  | everyone | printer            | Open tray 2, pull the jammed paper out gently and close the tray.                              |
      | Book a meeting room                  | English  | Acme     | room, booking      | Acme staff book rooms on the intranet, under Facilities and then Rooms.                        |

  Scenario Outline: A customer's question finds the right article first
    When a customer of <company> asks "<question>" in <language>
    Then the first article found is "<article>"
    And it scores at least 0.3

    Examples:
      | company | question                              | language | article                              |
      | Acme    | I forgot my password                  | English  | Reset your email password            |
      | Globex  | Olvidé mi contrasena                  | Spanish  | Restablecer la contraseña del correo |
      | Acme    | how do I connect to the VPN from home | English  | Connect to the office VPN            |
      | Globex  | the printer has a paper jam           | English  | Clear a paper jam                    |
      | Acme    | where do I book a meeting room?       | English  | Book a meeting room                  |

  Scenario: A question finds only articles in the customer's language
    When a customer of Globex asks "contraseña" in English
    Then no article is found
    When a customer of Globex asks "contraseña" in Spanish
    Then the first article found is "Restablecer la contraseña del correo"

  Scenario: A client company's private article stays private
    When a customer of Globex asks "where do I book a meeting room?" in English
    Then no article is found
    When Gina of Globex tries to read "Book a meeting room"
    Then access is refused, and the refusal is recorded
    But Carla of Acme reads "Book a meeting room"

  Scenario: Drafts and retired articles are not found
    Given Lena has written the draft "Printer offline": "Switch the printer off and on again."
    And Lena has retired "Clear a paper jam"
    When a customer of Acme asks "the printer is jammed" in English
    Then no article is found
    But Lena finds "Printer offline" among the drafts when she asks "printer offline"

  Scenario: A revision is found at once
    When Lena revises "Clear a paper jam" to read "Open tray 3 and remove the crumpled sheet."
    And a customer of Acme asks "crumpled sheet in tray 3" in English
    Then the first article found is "Clear a paper jam"

  Scenario: A known error's workaround is given from an incident
    Given Lena has published the known error "VPN drops when the laptop sleeps" of problem PRB0000012:
      """
      The VPN client disconnects when the laptop goes to sleep.
      """
    And its workaround is "Reconnect from the tray icon."
    And Carla of Acme has reported "My VPN keeps dropping"
    When Ana gives "My VPN keeps dropping" the known error "VPN drops when the laptop sleeps"
    Then Carla of Acme reads the workaround "Reconnect from the tray icon." on "My VPN keeps dropping"
    And "My VPN keeps dropping" belongs to problem PRB0000012
    And the history of "My VPN keeps dropping" shows that Ana gave that known error, with its workaround

  Scenario: The self-service bot answers a question it can, and hands over one it cannot
    When a customer of Acme asks the bot "I forgot my password, please help"
    Then the bot answers with "Reset your email password"
    And the bot's answer reads "If you forgot your password, open the self-service portal and choose Forgot password."
    When a customer of Acme asks the bot "I need a new office chair"
    Then the bot hands over to a person
