Feature: One customer on every channel
  A customer should never have to repeat herself. Carla of Acme starts with the
  self-service bot on WhatsApp, asks for a person and continues on live chat, and
  later phones in. She is one contact with one incident all along, and the agent who
  takes her call sees everything she said to the bot and on the chat.

  Background:
    Given Acme is served by the shared pool, where Ana takes chats and Leo takes calls
    And the knowledge base has the article "Reset your email password"
    And the bot answers on WhatsApp and chat, and offers the chat at "https://desk.example/chat"

  Scenario: From the bot on WhatsApp to a person on chat to a phone call
    When Carla writes on WhatsApp "I forgot my password"
    Then the bot answers her on WhatsApp with the article "Reset your email password"
    And no agent is given her incident while the bot has it
    When Carla writes on WhatsApp "I want to talk to a human"
    Then the bot hands her over because "the customer asked for a person"
    And its last WhatsApp message offers the live chat on her incident
    When Carla opens the chat from that link with her phone number "+34 600 111 222" and writes "Hi, the bot sent me here"
    Then the chat joins her contact and her incident
    And Ana is given her incident
    When Ana replies "Hello Carla, Ana here. I have reset your password."
    And Carla ends the chat
    And an hour later Carla phones in from "+34600111222" and presses 1
    Then the call joins her incident and Leo is given the call
    When Leo answers the call
    Then Leo sees her incident and this conversation:
      | who      | channel  | says                                                |
      | customer | whatsapp | I forgot my password                                |
      | bot      | whatsapp | If you forgot your password, open the self-service… |
      | customer | whatsapp | I want to talk to a human                           |
      | bot      | whatsapp | I am passing you to a person…                       |
      | customer | chat     | Hi, the bot sent me here                            |
      | agent    | chat     | Hello Carla, Ana here. I have reset your password.  |
    And Carla is one contact on WhatsApp and on the phone, with one incident in the desk
