Feature: SLA what-if: the same history under another policy
  In order to negotiate service levels with numbers rather than hunches
  As a service-desk lead
  I want to replay the incidents we have already worked under a draft policy, and see the
  attainment per priority under the policy in use and under the draft side by side,
  without changing anything in the desk

  Attainment is the share of clocks met among the clocks that have finished: an incident
  still open whose clock still runs is neither met nor breached yet.

  Background:
    Given the calendar "madrid-office", on Europe/Madrid time, open at these hours:
      | days               | hours                    |
      | Monday to Thursday | 09:00-14:00, 15:00-18:00 |
      | Friday             | 09:00-15:00              |
    And the SLA policy "standard" with these targets:
      | priority | response | resolution | calendar      |
      | P1       | 15m      | 4h         | 24x7          |
      | P2       | 30m      | 8h         | madrid-office |
      | P3       | 1h       | 16h        | madrid-office |
      | P4       | 4h       | 40h        | madrid-office |
      | P5       | 8h       | 80h        | madrid-office |
    And the desk uses the SLA policy "standard"
    And a draft SLA policy "strict" with these targets:
      | priority | response | resolution | calendar      |
      | P1       | 10m      | 2h         | 24x7          |
      | P2       | 15m      | 4h         | madrid-office |
      | P3       | 30m      | 8h         | madrid-office |
      | P4       | 2h       | 24h        | madrid-office |
      | P5       | 4h       | 40h        | madrid-office |
    And a draft SLA policy "relaxed" with these targets:
      | priority | response | resolution | calendar      |
      | P1       | 30m      | 8h         | 24x7          |
      | P2       | 1h       | 16h        | madrid-office |
      | P3       | 4h       | 24h        | madrid-office |
      | P4       | 8h       | 80h        | madrid-office |
      | P5       | 16h      | 120h       | madrid-office |
    And the desk has worked this week, on Madrid time, with the SLA timer running:
      | impact | urgency | opened                     | answered                   | resolved                   |
      | 1      | 1       | Monday 2026-03-02 09:00    | Monday 2026-03-02 09:12    | Monday 2026-03-02 12:00    |
      | 1      | 2       | Monday 2026-03-02 09:30    | Monday 2026-03-02 09:50    | Monday 2026-03-02 15:30    |
      | 2      | 2       | Monday 2026-03-02 10:00    | Monday 2026-03-02 10:45    | Tuesday 2026-03-03 12:00   |
      | 2      | 3       | Monday 2026-03-02 11:00    | Monday 2026-03-02 15:30    | Thursday 2026-03-05 12:00  |
      | 1      | 1       | Tuesday 2026-03-03 22:00   | Tuesday 2026-03-03 22:05   | Wednesday 2026-03-04 01:30 |
      | 1      | 2       | Wednesday 2026-03-04 17:00 | Wednesday 2026-03-04 17:40 | Thursday 2026-03-05 16:00  |
      | 2      | 2       | Thursday 2026-03-05 14:30  | Thursday 2026-03-05 15:20  | Friday 2026-03-06 12:00    |
      | 2      | 2       | Friday 2026-03-06 10:00    | Friday 2026-03-06 10:20    | (none)                     |
    And it is Friday 18:00 in Madrid

  Scenario: A stricter policy shows where we would have missed, and changes nothing
    When the desk replays its history under the draft policy "strict"
    Then the attainment per priority reads, side by side:
      | priority | incidents | response standard | response strict | resolution standard | resolution strict |
      | P1       | 2         | 100.0 %           | 50.0 %          | 100.0 %             | 0.0 %             |
      | P2       | 2         | 50.0 %            | 0.0 %           | 100.0 %             | 0.0 %             |
      | P3       | 3         | 100.0 %           | 66.7 %          | 100.0 %             | 50.0 %            |
      | P4       | 1         | 100.0 %           | 0.0 %           | 100.0 %             | 0.0 %             |
    And the desk has recorded no new event
    And the desk still uses the SLA policy "standard"
    And the desk has not stored the draft policy "strict"

  Scenario: A looser policy is met everywhere, even where the timer recorded a breach
    When the desk replays its history under the draft policy "relaxed"
    Then the attainment per priority reads, side by side:
      | priority | incidents | response standard | response relaxed | resolution standard | resolution relaxed |
      | P1       | 2         | 100.0 %           | 100.0 %          | 100.0 %             | 100.0 %            |
      | P2       | 2         | 50.0 %            | 100.0 %          | 100.0 %             | 100.0 %            |
      | P3       | 3         | 100.0 %           | 100.0 %          | 100.0 %             | 100.0 %            |
      | P4       | 1         | 100.0 %           | 100.0 %          | 100.0 %             | 100.0 %            |
    And the desk has recorded no new event
    And the desk still uses the SLA policy "standard"

  Scenario: Only the incidents opened since a given moment are replayed
    When the desk replays its history since Wednesday 2026-03-04 00:00 in Madrid under the draft policy "strict"
    Then the attainment per priority reads, side by side:
      | priority | incidents | response standard | response strict | resolution standard | resolution strict |
      | P2       | 1         | 0.0 %             | 0.0 %           | 100.0 %             | 0.0 %             |
      | P3       | 2         | 100.0 %           | 100.0 %         | 100.0 %             | 100.0 %           |
    And the desk has recorded no new event
