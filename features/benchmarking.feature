Feature: Comparing each client's support operation with its peers
  In order to tell each customer service manager how their operation compares
  As the head of support operations
  I want the operations grouped with the ones that work alike, by workload, strategy
  and resources, and each told where it stands against its group's medians

  The grouping is reproducible: the same history and the same seed always give the
  same groups.

  Background:
    Given these client operations:
      | client  | model     | own agents | incidents | channel |
      | acme    | dedicated | 2          | 4         | chat    |
      | globex  | dedicated | 2          | 4         | chat    |
      | hooli   | shared    | 0          | 1         | email   |
      | initech | shared    | 0          | 2         | email   |

  Scenario: Operations that work alike are grouped together
    When the operations are benchmarked in 2 groups
    Then the groups are:
      | group | clients         |
      | 0     | acme, globex    |
      | 1     | hooli, initech  |
    And in its group, "initech" stands above the median on "incidents_per_agent"
    And in its group, "hooli" stands below the median on "incidents_per_agent"
    And benchmarking again with the same seed gives the same groups
