Feature: Incident lifecycle
  In order that every incident follows one path the whole desk understands
  As a service-desk lead
  I want the desk to accept exactly the lifecycle transitions ITIL allows, and refuse every other

  The lifecycle: new → in_progress ⇄ on_hold → resolved → closed. A resolved
  incident can be reopened, and any open incident (new, in_progress, on_hold)
  can be resolved or cancelled. Closed and cancelled are final.

  Scenario Outline: The desk accepts a transition the lifecycle allows
    Given an incident that is <state>
    When Ana asks the desk to <transition> the incident
    Then the desk accepts it
    And the incident is <result>
    And the incident list shows it as <result>

    Examples: Working on an incident
      | state       | transition | result      |
      | new         | start      | in_progress |
      | in_progress | hold       | on_hold     |
      | on_hold     | resume     | in_progress |

    Examples: Resolving from any open state (from new, it is a first-contact fix)
      | state       | transition | result   |
      | new         | resolve    | resolved |
      | in_progress | resolve    | resolved |
      | on_hold     | resolve    | resolved |

    Examples: After resolution
      | state    | transition | result      |
      | resolved | reopen     | in_progress |
      | resolved | close      | closed      |

    Examples: Cancelling an open incident
      | state       | transition | result    |
      | new         | cancel     | cancelled |
      | in_progress | cancel     | cancelled |
      | on_hold     | cancel     | cancelled |

  Scenario Outline: The desk refuses a transition the lifecycle does not allow
    Given an incident that is <state>
    When Ana asks the desk to <transition> the incident
    Then the desk refuses it with IllegalTransitionError naming the transition and the state
    And the incident is unchanged

    Examples: From new
      | state | transition |
      | new   | hold       |
      | new   | resume     |
      | new   | reopen     |
      | new   | close      |

    Examples: From in_progress
      | state       | transition |
      | in_progress | start      |
      | in_progress | resume     |
      | in_progress | reopen     |
      | in_progress | close      |

    Examples: From on_hold
      | state   | transition |
      | on_hold | start      |
      | on_hold | hold       |
      | on_hold | reopen     |
      | on_hold | close      |

    Examples: From resolved
      | state    | transition |
      | resolved | start      |
      | resolved | hold       |
      | resolved | resume     |
      | resolved | resolve    |
      | resolved | cancel     |

    Examples: Closed is final
      | state  | transition |
      | closed | start      |
      | closed | hold       |
      | closed | resume     |
      | closed | resolve    |
      | closed | reopen     |
      | closed | close      |
      | closed | cancel     |

    Examples: Cancelled is final
      | state     | transition |
      | cancelled | start      |
      | cancelled | hold       |
      | cancelled | resume     |
      | cancelled | resolve    |
      | cancelled | reopen     |
      | cancelled | close      |
      | cancelled | cancel     |

  Scenario Outline: An incident goes on hold for one of the four hold reasons
    Given an incident that is in_progress
    When Ana puts the incident on hold with reason "<reason>"
    Then the incident is on_hold
    And the hold reason is "<reason>"
    And the incident list shows it on hold with reason "<reason>"
    When Ana resumes the incident
    Then the incident is in_progress
    And the incident has no hold reason

    Examples:
      | reason           |
      | awaiting_caller  |
      | awaiting_vendor  |
      | awaiting_problem |
      | awaiting_change  |

  Scenario: A hold reason the desk does not know is refused
    Given an incident that is in_progress
    When Ana tries to put the incident on hold with reason "gone fishing"
    Then the desk refuses it with InvalidValueError for an invalid hold reason
    And the incident is unchanged

  Scenario: An incident is not cancelled without a reason
    Given an incident that is new
    When Ana tries to cancel the incident without a reason
    Then the desk refuses it with InvalidValueError for an invalid cancel reason
    And the incident is unchanged

  Scenario: A cancelled incident keeps the reason it was cancelled for
    Given an incident that is in_progress
    When Ana cancels the incident because "Raised twice by the same caller"
    Then the incident is cancelled
    And the cancel reason is "Raised twice by the same caller"

  Scenario: Every reopening is counted
    Given an incident that is resolved
    When Ana reopens the incident because "The caller still cannot print"
    Then the incident is in_progress
    And the reopen count is 1
    And the incident has no resolution code
    When Ana resolves the incident with code "driver reinstalled"
    And Ana reopens the incident because "It failed again after lunch"
    Then the incident is in_progress
    And the reopen count is 2

  Scenario: Resolving a parent incident resolves its open children with it
    Given a parent incident "Email is down for the whole building"
    And these child incidents of it:
      | summary                             | state       |
      | Cannot send mail from Outlook       | new         |
      | Phone mail app says it is offline   | in_progress |
      | Shared mailbox has stopped updating | on_hold     |
      | Mail bounced: a typo in the address | cancelled   |
    When Ana resolves the parent incident with code "mail relay restarted"
    Then the parent incident is resolved
    And the child incidents are:
      | summary                             | state     | resolution code      |
      | Cannot send mail from Outlook       | resolved  | mail relay restarted |
      | Phone mail app says it is offline   | resolved  | mail relay restarted |
      | Shared mailbox has stopped updating | resolved  | mail relay restarted |
      | Mail bounced: a typo in the address | cancelled | (none)               |
    And the resolution notes of each child resolved with it name the parent incident

  Scenario: A P1 incident can be declared a major incident
    Given an incident with impact 1 and urgency 1
    When Ana declares the incident a major incident
    Then the incident is a major incident
    And the incident list marks it as major

  Scenario Outline: Only a P1 incident can be declared a major incident
    Given an incident with impact <impact> and urgency <urgency>
    When Ana tries to declare the incident a major incident
    Then the desk refuses it with MajorIncidentError because it is P<priority>
    And the incident is unchanged

    Examples:
      | impact | urgency | priority |
      | 1      | 2       | 2        |
      | 2      | 1       | 2        |
      | 1      | 3       | 3        |
      | 2      | 2       | 3        |
      | 3      | 1       | 3        |
      | 2      | 3       | 4        |
      | 3      | 2       | 4        |
      | 3      | 3       | 5        |

  Scenario: A major incident lowered below P1 is no longer major
    Given a major incident
    When Ana changes the impact to 1 and the urgency to 2
    Then its priority is P2
    And the incident is not a major incident
