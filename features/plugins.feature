Feature: Plugins
  In order to give our desk what it needs without waiting for a new EventDesk release
  As the lead of a service desk
  I want a package installed with an `eventdesk` entry point to be loaded like a part of
  EventDesk: to add a channel our customers can write on, to add its commands to the
  command line, and to see every event the desk saves

  The example plugin of the documentation, eventdesk-sms, is installed with EventDesk's
  tests. Its entry point is named "sms": a channel for a generic SMS gateway, which posts
  each text message it receives to the desk, signed with a shared secret, and takes the
  desk's replies.

  Background:
    Given the plugin "sms" is installed by entry point from the package "eventdesk-sms"

  Scenario: A plugin installed by entry point adds a channel and a command
    When I run "eventdesk plugins list --json"
    Then the plugin "sms" is listed at version 0.1.0 with the hooks register_channels, register_commands, track_event
    When I run "eventdesk channel list --json"
    Then the channel "sms" is listed
    When I run "eventdesk sms --help"
    Then the command prints a line "The SMS gateway channel (the eventdesk-sms plugin)."

  Scenario: A customer's text message through the plugin's channel opens an incident, and the reply goes back by text
    Given the SMS gateway is a web server that keeps what it is sent
    And the sms channel is configured with the gateway and a shared secret
    When the gateway delivers a signed text "Wifi down at desk 4" from "+34 600 111 222"
    Then an incident "Wifi down at desk 4" is opened by sms for the contact "+34600111222"
    When Bob replies "A technician is on the way" to that incident
    Then the gateway is sent the text "A technician is on the way" for "+34600111222"

  Scenario: A text message with a wrong signature is kept, not taken
    Given the SMS gateway is a web server that keeps what it is sent
    And the sms channel is configured with the gateway and a shared secret
    When the gateway delivers a text "Hello" from "+34 600 111 222" with a wrong signature
    Then no incident is opened
    And the payload is kept as a dead letter because "the x-sms-signature header does not match the payload"

  Scenario: A plugin installed by entry point sees every event the desk saves
    Given the SMS gateway is a web server that keeps what it is sent
    And the sms channel is configured with the gateway and a shared secret
    And the plugin "sms" has counted the events saved so far
    When the gateway delivers a signed text "Screen flickers" from "+34 600 111 333"
    Then the plugin "sms" has counted 1 more "Incident.Opened" event
