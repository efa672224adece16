Feature: Replaying another tool's incident history
  In order that a service desk moving to EventDesk keeps the history of the tool it leaves,
  and that we can measure our support operation on the same figures as before
  As the lead of a service desk
  I want the desk to take in another tool's incident log as it happened: each incident
  through our lifecycle, at the times and by the people the log names, once however often
  the file is imported, and every row that does not fit named with its reason

  Two logs are shown here in small excerpts: the Volvo IT incident log of the BPI
  Challenge 2013 (one row per status change of a service request, with the support team
  and its line) and a ServiceNow incident event log (one row per update of the record).

  Scenario: A Volvo IT service request waiting for the user and for a vendor
    When the desk imports the BPI 2013 excerpt
    Then the service request "1-523391859" went through "Opened, Assigned, Started, Commented, PutOnHold, Resumed, PutOnHold, Resumed, Resolved, Closed"
    And it was put on hold awaiting "vendor" and then awaiting "caller"
    And its events are at the times the log gives, by the owners it names

  Scenario: A move between support lines is a functional escalation, and ping-pong shows
    When the desk imports the BPI 2013 excerpt
    Then the service request "1-364285768" was escalated 5 times and reassigned 5 times in all
    And 1 of the 5 service requests went back to a team it had left

  Scenario Outline: The excerpt reads the same in every form the log comes in
    When the desk imports the BPI 2013 excerpt as <form>
    Then 5 service requests were imported from 43 rows, with 1 row rejected
    And the rejected row is row 31 of "1-734873980", "Unmatched / Unmatched", which has no place in the lifecycle

    Examples:
      | form        |
      | XES         |
      | gzipped XES |
      | CSV         |

  Scenario: Importing the same file twice adds nothing
    Given the desk imported the ServiceNow excerpt
    When the desk imports the ServiceNow excerpt again
    Then 0 incidents were imported and 6 were found imported before
    And the desk holds 6 incidents

  Scenario: A ServiceNow incident resolved, reopened and closed
    When the desk imports the ServiceNow excerpt
    Then the ServiceNow incident "INC0001068" is closed after 1 reopening
    And the 2 rows of "INC0028089" in state "-100" are rejected: no place in the lifecycle
