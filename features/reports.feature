Feature: The figures of the service desk, every week
  In order to see how well we serve our customers and where the work goes
  As a service-desk lead
  I want the figures computed from everything that happened on the desk: how many
  incidents came in and on which channels, how many we solved at the first contact,
  how long customers waited for an answer and for a solution, which promises we kept,
  what is still open and for how long, and the same as a page of charts

  Every figure comes from the events the desk recorded, so it can be recomputed at any
  time and always gives the same answer. Times are given by the wall clock and in
  business hours, when the office is open.

  The desk clock starts on Monday 2026-03-02 at 08:00 UTC, an hour before the office
  opens.

  Background:
    Given the office is open on weekdays from 09:00 to 17:00 UTC
    And the desk promises P3 incidents an answer within 1 business hour and a solution within 8

  Scenario: Answered and solved at the first contact
    Given at 08:00 Carla reports "Mail is down" by email
    And at 09:30 Bo answers Carla
    And at 10:00 Bo resolves Carla's incident
    When the lead asks for the report until Tuesday 08:00
    Then the report shows these figures:
      | figure                            | value |
      | incidents opened                  | 1     |
      | first-contact resolution          | 100 % |
      | median first response, wall-clock | 1.5 h |
      | median first response, business  | 0.5 h |
      | median resolution, wall-clock     | 2 h   |
      | median resolution, business       | 1 h   |
      | answers in time                   | 100 % |
      | solutions in time                 | 100 % |

  Scenario: An incident that bounced between groups and came back
    Given at 08:00 Dan reports "VPN drops" on the web form
    And at 08:00 Dan's incident is assigned to the group "l1"
    And at 08:10 Dan's incident is escalated to the group "net"
    And at 08:20 Dan's incident is assigned to the group "l1"
    And at 11:00 Bo resolves Dan's incident
    And at 12:00 Dan reopens his incident
    And at 13:00 Bo resolves Dan's incident
    When the lead asks for the report until Tuesday 08:00
    Then the report shows these figures:
      | figure                        | value |
      | reassignments per incident    | 2     |
      | ping-pong                     | 100 % |
      | reopen rate                   | 100 % |
      | first-contact resolution      | 0 %   |
      | median resolution, wall-clock | 5 h   |
      | median resolution, business   | 4 h   |
      | answers in time               | 0 %   |
      | solutions in time             | 100 % |

  Scenario: What is still open at the end, and for how long
    Given at 08:00 Eve reports "ERP is slow" by email
    And at 10:00 Fay reports "Phone is dead" by phone
    And at 10:05 Fay's incident is cancelled
    When the lead asks for the report until Tuesday 08:00
    Then the backlog holds 1 incident, the oldest 24 hours old
    And the channel mix is:
      | channel | share |
      | email   | 50 %  |
      | phone   | 50 %  |
    And the report shows these figures:
      | figure            | value |
      | solutions in time | 0 %   |

  Scenario: The report as a page of charts, to send to the customer
    Given at 08:00 Carla reports "Mail is down" by email
    And at 10:00 Bo resolves Carla's incident
    When the lead saves the report as a web page
    Then the page draws 5 charts and loads nothing from the network
