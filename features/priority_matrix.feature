Feature: Priority matrix
  In order that the incidents that hurt the business most are worked first
  As a service-desk lead
  I want the desk to derive every incident's priority from its impact and urgency

  Impact and urgency run from 1 (highest) to 3; priority runs from P1 (highest)
  to P5. Agents never pick a priority by hand: the matrix decides.

  Background:
    Given the desk uses the default priority matrix

  Scenario Outline: Impact and urgency decide the priority
    When Ana opens an incident with impact <impact> and urgency <urgency>
    Then its priority is P<priority>
    And the incident list shows it as P<priority>

    Examples:
      | impact | urgency | priority |
      | 1      | 1       | 1        |
      | 1      | 2       | 2        |
      | 1      | 3       | 3        |
      | 2      | 1       | 2        |
      | 2      | 2       | 3        |
      | 2      | 3       | 4        |
      | 3      | 1       | 3        |
      | 3      | 2       | 4        |
      | 3      | 3       | 5        |

  Scenario: A new impact and urgency give a new priority
    Given an incident with impact 3 and urgency 3
    When Ana changes the impact to 1 and the urgency to 2
    Then its priority is P2
    And the incident list shows it as P2

  Scenario Outline: An impact or urgency outside 1 to 3 is refused
    When Ana tries to open an incident with impact <impact> and urgency <urgency>
    Then the desk refuses it with InvalidValueError for an invalid <field>
    And no incident has been opened

    Examples:
      | impact | urgency | field   |
      | 0      | 2       | impact  |
      | 4      | 2       | impact  |
      | 2      | 0       | urgency |
      | 2      | 4       | urgency |
