Feature: Cost under each model, and advice on the model that suits a tenant
  In order to bill each client company rightly, and to offer it the service model that suits it
  As a customer service manager
  I want the time worked on every incident recorded, each month priced under the tenant's
  model, and advice that compares the last months under the three models

  A month is priced under the tenant's model: dedicated, the monthly fee for each agent of its
  dedicated team; shared, every hour worked at the hourly rate; hybrid, the dedicated fees plus
  the hours of anyone outside the dedicated team at the hourly rate. Specialist groups' hours
  are billed by the hour under every model.

  The advice reads the volume (about 100 incidents a month or fewer is low), the busiest month
  against the average (twice the average is a seasonal peak) and the share of incidents opened
  out of the tenant's business hours (more than 10 % is much), and sizes a dedicated team at
  120 productive hours a month for each agent.

  Times are Paris time. Each scenario starts on Monday 2 March 2026 at 09:00.

  Background:
    Given the shared pool works round the clock
    And the Network specialist group works round the clock
    And Cy and Dee work in the shared pool
    And Ned works in the Network group

  # --- cost of a month --------------------------------------------------------------------

  Scenario: A dedicated tenant pays the monthly fee of each dedicated agent, and specialists by the hour
    Given tenant Acme is served by a dedicated team on weekdays 08:00–18:00 Paris time
    And Ana and Bo work in Acme's dedicated team
    And Acme's contract prices an hour at 60.00 and a dedicated resource at 4000.00 a month
    And this work was done on Acme's incidents:
      | incident    | at                         | by  | minutes |
      | Printer jam | Monday 2026-03-02 10:00    | Ana | 90      |
      | Printer jam | Monday 2026-03-02 14:00    | Bo  | 30      |
      | Payroll bug | Wednesday 2026-03-04 11:00 | Bo  | 120     |
      | VPN down    | Thursday 2026-03-05 15:00  | Ned | 60      |
      | Mail bounce | Wednesday 2026-04-01 10:00 | Ana | 45      |
    When the desk prices Acme's support for March 2026
    Then the cost report reads:
      | line                        | value     |
      | model                       | dedicated |
      | incidents                   | 3         |
      | hours by the dedicated team | 4.00      |
      | hours by the shared pool    | 0.00      |
      | hours by specialists        | 1.00      |
      | dedicated resources         | 2         |
      | monthly fees                | 8000.00   |
      | hourly charges              | 60.00     |
      | total                       | 8060.00   |

  Scenario: A shared tenant pays every hour worked, at its hourly rate
    Given tenant Initech is served by the shared pool
    And Initech's contract prices an hour at 55.00 and a dedicated resource at 4000.00 a month
    And this work was done on Initech's incidents:
      | incident       | at                        | by  | minutes |
      | Password reset | Tuesday 2026-03-03 10:00  | Cy  | 120     |
      | Laptop stolen  | Saturday 2026-03-14 22:00 | Dee | 30      |
      | Firewall rule  | Monday 2026-03-16 09:30   | Ned | 60      |
    When the desk prices Initech's support for March 2026
    Then the cost report reads:
      | line                        | value  |
      | model                       | shared |
      | incidents                   | 3      |
      | hours by the dedicated team | 0.00   |
      | hours by the shared pool    | 2.50   |
      | hours by specialists        | 1.00   |
      | dedicated resources         | 0      |
      | monthly fees                | 0.00   |
      | hourly charges              | 192.50 |
      | total                       | 192.50 |

  Scenario: A hybrid tenant pays its dedicated fees, and the hours of the pool and the specialists
    Given tenant Globex is served by a dedicated team on weekdays 08:00–18:00 Paris time, and by the shared pool on nights, weekends and overflow
    And Gil works in Globex's dedicated team
    And Globex's contract prices an hour at 60.00 and a dedicated resource at 3900.00 a month
    And this work was done on Globex's incidents:
      | incident      | at                       | by  | minutes |
      | Tills offline | Monday 2026-03-02 10:00  | Gil | 300     |
      | Night outage  | Monday 2026-03-02 21:00  | Cy  | 120     |
      | Core switch   | Tuesday 2026-03-10 11:00 | Ned | 60      |
    When the desk prices Globex's support for March 2026
    Then the cost report reads:
      | line                        | value   |
      | model                       | hybrid  |
      | incidents                   | 3       |
      | hours by the dedicated team | 5.00    |
      | hours by the shared pool    | 2.00    |
      | hours by specialists        | 1.00    |
      | dedicated resources         | 1       |
      | monthly fees                | 3900.00 |
      | hourly charges              | 180.00  |
      | total                       | 4080.00 |

  # --- advice -----------------------------------------------------------------------------

  Scenario: A dedicated tenant with little demand is advised to move to the shared pool
    Given tenant Acme is served by a dedicated team on weekdays 08:00–18:00 Paris time
    And Ana works in Acme's dedicated team
    And Acme's contract prices an hour at 60.00 and a dedicated resource at 4000.00 a month
    And Acme's demand over three months was, each incident worked by the agents on shift:
      | month      | in business hours | out of hours | minutes each |
      | March 2026 | 24                | 0            | 45           |
      | April 2026 | 30                | 0            | 45           |
      | May 2026   | 27                | 0            | 45           |
    When the desk advises Acme on its model from its last 3 months
    Then the advice reads the demand as:
      | month      | incidents | out of hours | hours worked |
      | March 2026 | 24        | 0            | 18.00        |
      | April 2026 | 30        | 0            | 22.50        |
      | May 2026   | 27        | 0            | 20.25        |
    And the advice compares the models:
      | model     | monthly cost | dedicated resources | demand left waiting |
      | dedicated | 4000.00      | 1                   | 0 %                 |
      | shared    | 1215.00      | 0                   | 0 %                 |
      | hybrid    | 4000.00      | 1                   | 0 %                 |
    And it recommends the shared model, because "volume is low (at most about 100 a month): a dedicated team would stand idle; pay by the hour"

  Scenario: A tenant with high volume and much demand out of hours is advised a hybrid model
    Given tenant Globex is served by a dedicated team on weekdays 08:00–18:00 Paris time, and by the shared pool on nights, weekends and overflow
    And Gil works in Globex's dedicated team
    And Globex's contract prices an hour at 60.00 and a dedicated resource at 3900.00 a month
    And Globex's demand over three months was, each incident worked by the agents on shift:
      | month      | in business hours | out of hours | minutes each |
      | March 2026 | 85                | 25           | 30           |
      | April 2026 | 90                | 30           | 30           |
      | May 2026   | 80                | 30           | 30           |
    When the desk advises Globex on its model from its last 3 months
    Then the advice reads the demand as:
      | month      | incidents | out of hours | hours worked |
      | March 2026 | 110       | 25           | 55.00        |
      | April 2026 | 120       | 30           | 60.00        |
      | May 2026   | 110       | 30           | 55.00        |
    And the advice compares the models:
      | model     | monthly cost | dedicated resources | demand left waiting |
      | dedicated | 3900.00      | 1                   | 25 %                |
      | shared    | 3400.00      | 0                   | 0 %                 |
      | hybrid    | 4750.00      | 1                   | 0 %                 |
    And it recommends the hybrid model, because "25% of demand arrives out of hours: a dedicated team alone would leave it waiting for the next shift, so the pool covers nights and weekends"

  Scenario: A shared tenant with high, steady demand in business hours is advised a dedicated team
    Given tenant Initech is served by the shared pool
    And Initech's business hours are weekdays 08:00–18:00 Paris time
    And Initech's contract prices an hour at 55.00 and a dedicated resource at 4000.00 a month
    And Initech's demand over three months was, each incident worked by the agents on shift:
      | month      | in business hours | out of hours | minutes each |
      | March 2026 | 120               | 3            | 60           |
      | April 2026 | 126               | 2            | 60           |
      | May 2026   | 117               | 3            | 60           |
    When the desk advises Initech on its model from its last 3 months
    Then the advice reads the demand as:
      | month      | incidents | out of hours | hours worked |
      | March 2026 | 123       | 3            | 123.00       |
      | April 2026 | 128       | 2            | 128.00       |
      | May 2026   | 120       | 3            | 120.00       |
    And the advice compares the models:
      | model     | monthly cost | dedicated resources | demand left waiting |
      | dedicated | 8000.00      | 2                   | 2 %                 |
      | shared    | 6801.67      | 0                   | 0 %                 |
      | hybrid    | 8146.67      | 2                   | 0 %                 |
    And it recommends the dedicated model, because "volume is high and steady, and nearly all of it arrives in business hours: a dedicated team that knows the client serves it best"

  Scenario: A tenant whose demand peaks in one season is advised the shared pool
    Given tenant Hooli is served by the shared pool
    And Hooli's business hours are weekdays 08:00–18:00 Paris time
    And Hooli's contract prices an hour at 55.00 and a dedicated resource at 4000.00 a month
    And Hooli's demand over three months was, each incident worked by the agents on shift:
      | month      | in business hours | out of hours | minutes each |
      | March 2026 | 40                | 0            | 30           |
      | April 2026 | 45                | 0            | 30           |
      | May 2026   | 240               | 0            | 30           |
    When the desk advises Hooli on its model from its last 3 months
    Then it recommends the shared model, because "demand is seasonal: a pool absorbs the peaks without paying for dedicated resources all year"
    And the advice says "108.3 incidents a month on average over 3 months, busiest month 2.2× the average, 0% opened out of hours"
