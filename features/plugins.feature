Feature: Plugins
  In order to give our desk what it needs without waiting for a new EventDesk release
  As the lead of a service desk
  I want a package installed with an `eventdesk` entry point to be loaded like a part of
  EventDesk: to add its commands to the command line and to see every event the desk saves

  The example plugin of the documentation, eventdesk-hello, is installed with EventDesk's
  tests. Its entry point is named "hello".

  Background:
    Given the plugin "hello" is installed by entry point from the package "eventdesk-hello"

  Scenario: A plugin installed by entry point adds a command
    When I run "eventdesk plugins list --json"
    Then the plugin "hello" is listed at version 0.1.0 with the hooks register_commands, track_event
    When I run "eventdesk hello --name Ana"
    Then the command prints "Hello, Ana, from the eventdesk-hello plugin!"

  Scenario: A plugin installed by entry point sees every event the desk saves
    Given the plugin "hello" has counted the events saved so far
    And Ana opened the incident "Printer jams on every page" with impact 3 and urgency 3
    Then the plugin "hello" has counted 1 more "Incident.Opened" event
