Feature: The self-service bot
  In order that customers get simple answers at once, and people spend their time on what
  needs a person
  As the lead of a service desk
  I want a bot that answers new requests on chat and on messaging channels from our
  knowledge base, counts what it solved alone, and hands over to a person, with everything
  said so far, whenever it cannot help

  The bot takes a new request first: nobody is given it while the bot is answering. It
  answers only with an article it is confident about. When the customer asks for a person,
  when no article fits, or when a second answer did not help, it hands the request to the
  agents' queue; the agent sees the whole conversation with the bot. A request the customer
  says is solved is a deflection: solved without a person.

  Background:
    Given tenant Acme is served by the shared pool, where Ana works
    And the knowledge base has these published articles:
      | title                            | text                                                                                                 |
      | Reset your email password        | If you forgot your password, open the self-service portal and choose Forgot password.                |
      | VPN drops every few minutes      | If the VPN connection drops, switch the client to the TCP protocol in its settings and connect again. |
      | VPN keeps dropping on home Wi-Fi | If your VPN drops every few minutes at home, restart your router and sit closer to it.               |
    And the bot answers on chat and on the messaging channel

  Scenario: The bot solves a request on its own
    When a customer starts a chat saying "I forgot my password"
    Then the bot answers with "Reset your email password"
    And nobody at the desk is given the request
    When the customer writes "Yes, thanks!"
    Then the request is resolved as "self-service"
    And the bot has deflected 1 request of 1

  Scenario: The customer asks for a person
    When a customer starts a chat saying "I forgot my password"
    And the customer writes "Can I talk to a human?"
    Then the bot hands over because "the customer asked for a person"
    And Ana is given the request
    And Ana sees the whole conversation:
      | from     | text                                                                    |
      | customer | I forgot my password                                                    |
      | bot      | If you forgot your password, open the self-service portal and choose... |
      | customer | Can I talk to a human?                                                  |
      | bot      | I am passing you to a person, who will see everything we have said...  |

  Scenario: The bot is not confident
    When a customer starts a chat saying "I need a new office chair"
    Then the bot hands over because "no confident answer"
    And Ana is given the request

  Scenario: A second answer that does not help goes to a person
    When a customer starts a chat saying "My VPN drops every few minutes"
    Then the bot answers with "VPN drops every few minutes"
    When the customer writes "That didn't help"
    Then the bot answers with "VPN keeps dropping on home Wi-Fi"
    And nobody at the desk is given the request
    When the customer writes "No, it still drops"
    Then the bot hands over because "a second answer did not help"
    And Ana is given the request

  Scenario: From the bot on a messaging channel to a person on chat
    When a customer writes "I need a new office chair" on the messaging channel from +34600111222
    Then the bot hands over with a link to the live chat about the request
    When the customer follows the link and starts a chat with the phone number +34600111222
    Then the chat is part of the same request
    And Ana, on the chat, sees what the customer said to the bot
