Feature: Staffing a queue
  A workforce planner asks how many agents a queue needs to meet its service target,
  so that the rota is neither short (callers wait and hang up) nor wasteful. Without
  patience the answer is Erlang C; with callers who hang up it is Erlang A.

  Scenario: Enough agents to answer 80 % of calls within 20 seconds
    Given calls arrive at 200 an hour and each takes 180 seconds to handle
    When the planner asks for agents to answer 80 % within 20 seconds
    Then 14 agents are needed
    And 88.8 % of calls are answered within 20 seconds
    And callers wait 7.8 seconds on average
    And the agents are busy 71.4 % of the time

  Scenario: One agent fewer misses the target
    Given calls arrive at 200 an hour and each takes 180 seconds to handle
    When the planner looks at a queue with 13 agents and a target of 80 % within 20 seconds
    Then 79.6 % of calls are answered within 20 seconds
    And the target is missed

  Scenario: Callers who hang up need fewer agents, and a cap on abandonment adds them back
    Given calls arrive at 200 an hour and each takes 180 seconds to handle
    And callers hang up after 120 seconds of waiting on average
    When the planner asks for agents to answer 80 % within 20 seconds
    Then 12 agents are needed
    And 6.2 % of callers hang up
    When the planner asks for agents to answer 80 % within 20 seconds with at most 3 % hanging up
    Then 14 agents are needed
    And 2.3 % of callers hang up

  Scenario: A day's staffing plan from the hourly arrivals
    Given this arrival profile for Monday:
      | start | arrivals_per_hour |
      | 08:00 | 120               |
      | 09:00 | 200               |
      | 12:00 | 80                |
      | 18:00 | 0                 |
    And each call takes 180 seconds to handle
    When the planner asks for a plan to answer 90 % within 30 seconds
    Then the plan is:
      | start | agents | in time |
      | 08:00 | 10     | 94.8 %  |
      | 09:00 | 14     | 91.1 %  |
      | 12:00 | 7      | 91.8 %  |
      | 18:00 | 0      | 100.0 % |
    And the plan needs 94 agent-hours

  Scenario: A target that cannot be read is refused
    Given calls arrive at 200 an hour and each takes 180 seconds to handle
    When the planner asks for agents with the target "eighty percent"
    Then the planner is told "invalid service target 'eighty percent': expected PERCENT/SECONDS, such as 80/20"
