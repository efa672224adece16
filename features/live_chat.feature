Feature: Live chat
  In order that customers get an answer while they wait, and agents are never given more
  conversations than they can follow
  As the lead of a service desk
  I want chats that start, go back and forth and end, each one taking one of the chats an
  agent can hold at once until it ends

  A customer starts a chat from the chat window on the website, with their email address
  or phone number if they give one, and a reference if they are writing about an earlier
  request. The chat joins that customer's incident, or opens one. What the customer and
  the agent say is kept on the incident. A chat nobody writes in for a while is ended, so
  that the agent can take the next one.

  Background:
    Given tenant Acme is served by the shared pool, where Ana can hold 2 chats at once
    And a chat left quiet for 10 minutes is ended

  Scenario: A customer chats with an agent
    When "carla@acme.example" starts a chat saying "My VPN drops every hour"
    And the chats are given to agents
    And Ana answers "Hello Carla, which office are you in?"
    And the customer writes "Madrid, 4th floor"
    Then the chat is with Ana
    And the chat window shows:
      | from     | text                                  |
      | customer | My VPN drops every hour               |
      | agent    | Hello Carla, which office are you in? |
      | customer | Madrid, 4th floor                     |
    And incident INC0000001 keeps the 3 messages of the chat

  Scenario: An agent holds no more chats than she can
    When 3 customers start a chat
    And the chats are given to agents
    Then Ana holds 2 chats
    And the third chat waits: "no available agent with chat capacity in pool"
    When the first customer leaves the chat
    And the chats are given to agents
    Then Ana holds 2 chats
    And every chat that is still open is with Ana

  Scenario: A quiet chat is ended and frees the agent
    Given "carla@acme.example" is chatting with Ana
    When 11 minutes pass without a message
    And the desk ends the quiet chats
    Then the chat has ended because it was "idle for more than 10 minutes"
    And Ana holds 0 chats

  Scenario: A customer who wrote by email continues in the chat
    Given "carla@acme.example" wrote by email about "The printer jams"
    When "carla@acme.example" starts a chat about INC0000001 saying "Any news on the printer?"
    Then there is 1 incident
    And the chat is part of INC0000001
