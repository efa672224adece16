Feature: Business calendars
  In order that a service-level clock runs only while the desk is there to run it
  As a service-desk lead
  I want each calendar to say exactly when an amount of business time runs out, and how much
  business time lies between two moments, whatever the lunch breaks, weekends, holidays,
  year ends and daylight-saving changes in between

  Business time is real time inside the opening hours. A night that loses an hour to
  daylight saving holds one hour less of business time; a night that gains one holds one
  more. Days ("3d") are 24 business hours, so they are only accepted on 24x7, in a deadline
  as in a policy's targets: anywhere else a "business day" would be a guess, and the desk
  asks for hours instead. A calendar file is read as written or refused: a misspelt key or
  table is named, not skipped.

  A night shift is written as it is worked: "22:00-06:00" on a Monday runs from Monday 22:00
  to Tuesday 06:00. A night belongs to the day it starts on, so the night of a holiday is
  off and the night before a holiday is worked to its end. A night may end right when the
  next day's first hours begin (the two run on without a break) but not after. So that
  anyone can check a deadline by hand, the desk shows the stretches of open time that
  make it up, and names the days it skipped.

  Background:
    Given the calendar file "madrid-office.toml", imported into the desk:
      """toml
      # The Madrid office: a lunch break from Monday to Thursday, short Fridays,
      # and Saturday mornings for walk-in support.
      [calendar]
      name = "madrid-office"
      timezone = "Europe/Madrid"
      [calendar.hours]
      mon = ["09:00-14:00", "15:00-18:00"]
      tue = ["09:00-14:00", "15:00-18:00"]
      wed = ["09:00-14:00", "15:00-18:00"]
      thu = ["09:00-14:00", "15:00-18:00"]
      fri = ["09:00-15:00"]
      sat = ["10:00-14:00"]
      [calendar.holidays]
      country = "ES"
      subdivision = "MD"
      dates = ["2026-12-24", "2026-12-31"]
      """
    And the calendar "night-desk", on Europe/Madrid time, open at these hours:
      | days      | hours                    |
      | every day | 00:00-07:00, 21:00-24:00 |
    And the calendar file "night-shift.toml", imported into the desk:
      """toml
      # The night shift: from 22:00 to 06:00 the next morning, every night of the week.
      [calendar]
      name = "night-shift"
      timezone = "Europe/Madrid"
      [calendar.hours]
      mon = ["22:00-06:00"]
      tue = ["22:00-06:00"]
      wed = ["22:00-06:00"]
      thu = ["22:00-06:00"]
      fri = ["22:00-06:00"]
      sat = ["22:00-06:00"]
      sun = ["22:00-06:00"]
      [calendar.holidays]
      country = "ES"
      subdivision = "MD"
      dates = ["2026-12-24"]
      """

  Scenario Outline: The deadline counts only the hours the office is open
    When <duration> of business time is counted on "madrid-office" from <start> in Madrid
    Then the deadline is <deadline> in Madrid
    And the business time from the start to the deadline is exactly <duration>

    Examples: Opening hours and the lunch break
      | start                   | duration | deadline                   | because                                |
      | Monday 2026-03-02 10:00 | 2h       | Monday 2026-03-02 12:00    | the office is open all along           |
      | Monday 2026-03-02 07:00 | 1h       | Monday 2026-03-02 10:00    | the clock waits for the office to open |
      | Monday 2026-03-02 13:00 | 2h       | Monday 2026-03-02 16:00    | lunch, 14:00 to 15:00, does not count  |
      | Monday 2026-03-02 14:30 | 30m      | Monday 2026-03-02 15:30    | it starts during lunch                 |
      | Monday 2026-03-02 17:00 | 1h       | Monday 2026-03-02 18:00    | it ends at closing time, not tomorrow  |
      | Monday 2026-03-02 09:00 | 20h      | Wednesday 2026-03-04 13:00 | 8 h on Monday, 8 h on Tuesday          |
      | Monday 2026-03-02 11:15 | 1h30m    | Monday 2026-03-02 12:45    | minutes count as well as hours         |

    Examples: The weekend
      | start                     | duration | deadline                  | because                   |
      | Friday 2026-03-06 14:00   | 3h       | Saturday 2026-03-07 12:00 | Friday closes at 15:00    |
      | Saturday 2026-03-07 13:00 | 2h       | Monday 2026-03-09 10:00   | Sunday is closed          |
      | Sunday 2026-03-08 12:00   | 1h       | Monday 2026-03-09 10:00   | it starts on a closed day |

    Examples: Holidays of Spain and of the Community of Madrid
      | start                      | duration | deadline                   | because                                                          |
      | Thursday 2026-04-30 17:00  | 2h       | Monday 2026-05-04 10:00    | Labour Day (Fri 1) and Madrid Day (Sat 2)                        |
      | Wednesday 2026-04-01 17:00 | 2h       | Saturday 2026-04-04 11:00  | Maundy Thursday (Madrid) and Good Friday                         |
      | Saturday 2026-12-05 13:00  | 2h       | Wednesday 2026-12-09 10:00 | Constitution Day moved to Monday (Madrid), Immaculate Conception |

    Examples: Holidays the calendar names itself, and the year end
      | start                      | duration | deadline                  | because                                   |
      | Wednesday 2026-12-23 17:00 | 3h       | Saturday 2026-12-26 12:00 | Christmas Eve (named) and Christmas Day   |
      | Wednesday 2026-12-30 17:00 | 4h       | Saturday 2027-01-02 13:00 | New Year's Eve (named) and New Year's Day |

  Scenario Outline: The business time between two moments counts only the opening hours
    When the business time on "madrid-office" is measured from <from> to <to> in Madrid
    Then the business time measured is <business time>

    Examples:
      | from                      | to                      | business time | because                         |
      | Monday 2026-03-02 09:00   | Monday 2026-03-02 18:00 | 8h            | a full day less the lunch break |
      | Monday 2026-03-02 09:00   | Monday 2026-03-09 09:00 | 42h           | a whole ordinary week           |
      | Monday 2026-03-02 14:10   | Monday 2026-03-02 14:50 | 0m            | both moments are in lunch       |
      | Friday 2026-03-06 14:00   | Monday 2026-03-09 10:00 | 6h            | 1 h, 4 h on Saturday, 1 h       |
      | Thursday 2026-12-31 12:00 | Friday 2027-01-01 12:00 | 0m            | the year ends on two holidays   |
      | Monday 2026-04-27 09:00   | Monday 2026-05-04 09:00 | 32h           | the week of Labour Day          |

  Scenario Outline: A night shift holds an hour less, or more, when the clocks change
    When the business time on "night-desk" is measured from <from> to <to> in Madrid
    Then the business time measured is <business time>
    When 10h of business time is counted on "night-desk" from <from> in Madrid
    Then the deadline is <deadline> in Madrid
    And the deadline is <deadline in UTC> in UTC

    Examples:
      | from                      | to                      | business time | deadline                | deadline in UTC         | because                                   |
      | Saturday 2026-03-21 21:00 | Sunday 2026-03-22 07:00 | 10h           | Sunday 2026-03-22 07:00 | Sunday 2026-03-22 06:00 | an ordinary night                         |
      | Saturday 2026-03-28 21:00 | Sunday 2026-03-29 07:00 | 9h            | Sunday 2026-03-29 22:00 | Sunday 2026-03-29 20:00 | the clocks go forward from 02:00 to 03:00 |
      | Saturday 2026-10-24 21:00 | Sunday 2026-10-25 07:00 | 11h           | Sunday 2026-10-25 06:00 | Sunday 2026-10-25 05:00 | the clocks go back from 03:00 to 02:00    |

  Scenario Outline: A night shift counts from the evening into the next morning
    When <duration> of business time is counted on "night-shift" from <start> in Madrid
    Then the deadline is <deadline> in Madrid
    And the business time from the start to the deadline is exactly <duration>

    Examples: Ordinary nights
      | start                    | duration | deadline                 | because                               |
      | Monday 2026-03-02 23:00  | 2h       | Tuesday 2026-03-03 01:00 | the night runs on past midnight       |
      | Monday 2026-03-02 22:00  | 8h       | Tuesday 2026-03-03 06:00 | a whole night, to its last minute     |
      | Tuesday 2026-03-03 04:00 | 3h       | Tuesday 2026-03-03 23:00 | 2 h until 06:00, 1 h the next night   |
      | Tuesday 2026-03-03 12:00 | 1h       | Tuesday 2026-03-03 23:00 | the clock waits for the night to come |

    Examples: Nights when the clocks change
      | start                     | duration | deadline                | because                                                 |
      | Saturday 2026-03-28 23:00 | 4h       | Sunday 2026-03-29 04:00 | the wall clock jumps from 02:00 to 03:00                |
      | Saturday 2026-03-28 22:00 | 8h       | Sunday 2026-03-29 23:00 | the short night holds 7 h, the next night the last hour |
      | Saturday 2026-10-24 22:00 | 8h       | Sunday 2026-10-25 05:00 | the wall clock goes back from 03:00 to 02:00            |
      | Saturday 2026-10-24 22:00 | 9h       | Sunday 2026-10-25 06:00 | the long night holds 9 h                                |

    Examples: A night belongs to the day it starts on
      | start                      | duration | deadline                  | because                                                       |
      | Thursday 2026-12-31 23:00  | 8h       | Saturday 2027-01-02 23:00 | New Year's Eve's night is worked, New Year's Day's is off     |
      | Friday 2027-01-01 03:00    | 1h       | Friday 2027-01-01 04:00   | the night that began on New Year's Eve runs on                |
      | Wednesday 2026-12-23 23:00 | 10h      | Sunday 2026-12-27 01:00   | the nights of Christmas Eve (named) and Christmas Day are off |

  Scenario Outline: A night shift holds the real time of each night
    When the business time on "night-shift" is measured from <from> to <to> in Madrid
    Then the business time measured is <business time>

    Examples:
      | from                      | to                        | business time | because                                      |
      | Monday 2026-03-02 12:00   | Tuesday 2026-03-03 12:00  | 8h            | an ordinary night                            |
      | Saturday 2026-03-28 12:00 | Sunday 2026-03-29 12:00   | 7h            | the clocks go forward during the night       |
      | Saturday 2026-10-24 12:00 | Sunday 2026-10-25 12:00   | 9h            | the clocks go back during the night          |
      | Thursday 2026-12-31 12:00 | Saturday 2027-01-02 12:00 | 8h            | New Year's Eve's night, not New Year's Day's |

  Scenario: A tenant's contract calendar overrides the calendar of the desk's policy
    Given the SLA policy "standard" with these targets:
      | priority | response | resolution | calendar      |
      | P3       | 1h       | 8h         | madrid-office |
    And the desk uses the SLA policy "standard"
    And the tenant "Owls" has a contract that runs its service levels on "night-shift"
    And the tenant "Larks" has a contract without a calendar of its own
    And it is Monday 2026-03-02 16:00 in Madrid
    When an incident with impact 2 and urgency 2 is opened for "Owls"
    Then the response clock is due Monday 2026-03-02 23:00 in Madrid
    And the resolution clock is due Tuesday 2026-03-03 06:00 in Madrid
    When an incident with impact 2 and urgency 2 is opened for "Larks"
    Then the response clock is due Monday 2026-03-02 17:00 in Madrid
    And the resolution clock is due Tuesday 2026-03-03 16:00 in Madrid

  Scenario: The desk shows how it reached a deadline, stretch by stretch
    When the desk explains 10h of business time on "night-shift" from Wednesday 2026-12-23 23:00 in Madrid
    Then the business time is made up of these stretches, on Madrid time:
      | from                       | to                        | length | running total |
      | Wednesday 2026-12-23 23:00 | Thursday 2026-12-24 06:00 | 7h     | 7h            |
      | Saturday 2026-12-26 22:00  | Sunday 2026-12-27 01:00   | 3h     | 10h           |
    And these days were skipped:
      | day                 | because                         |
      | Thursday 2026-12-24 | holiday: listed in the calendar |
      | Friday 2026-12-25   | holiday: Christmas Day          |
    And the last stretch ends at the deadline, Sunday 2026-12-27 01:00 in Madrid

  Scenario: The explanation names the days the office is closed, and the lunch break splits a day
    When the desk explains 7h of business time on "madrid-office" from Saturday 2026-03-07 13:00 in Madrid
    Then the business time is made up of these stretches, on Madrid time:
      | from                      | to                        | length | running total |
      | Saturday 2026-03-07 13:00 | Saturday 2026-03-07 14:00 | 1h     | 1h            |
      | Monday 2026-03-09 09:00   | Monday 2026-03-09 14:00   | 5h     | 6h            |
      | Monday 2026-03-09 15:00   | Monday 2026-03-09 16:00   | 1h     | 7h            |
    And these days were skipped:
      | day               | because                            |
      | Sunday 2026-03-08 | closed: no opening hours on Sunday |
    And the last stretch ends at the deadline, Monday 2026-03-09 16:00 in Madrid

  Scenario: A night that ends right when the next day opens runs on without a break
    Given a copy of "night-shift.toml" saved as "relay.toml", with tue = ["06:00-14:00", "22:00-06:00"] in [calendar.hours]
    When the desk imports the calendar file "relay.toml"
    Then the desk accepts it
    When the desk explains 12h of business time on "night-shift" from Monday 2026-03-02 22:00 in Madrid
    Then the business time is made up of these stretches, on Madrid time:
      | from                    | to                       | length | running total |
      | Monday 2026-03-02 22:00 | Tuesday 2026-03-03 10:00 | 12h    | 12h           |
    And no day was skipped

  Scenario: A night that runs into the next day's opening hours is refused, naming both days
    Given a copy of "night-shift.toml" saved as "clash.toml", with tue = ["05:00-14:00"] in [calendar.hours]
    When the desk imports the calendar file "clash.toml"
    Then the desk refuses it with ConfigFileError, naming the file "clash.toml", the key calendar.hours.mon[0] and what was expected: "an interval that ends by 05:00, when tue's first interval starts"
    And the calendar "night-shift" in the desk is unchanged

  Scenario Outline: On 24x7 business time is real time, whatever the wall clock says
    When <duration> of business time is counted on "24x7" from <start> in Madrid
    Then the deadline is <deadline> in Madrid
    And the business time from the start to the deadline is exactly <duration>

    Examples:
      | start                     | duration | deadline                | because                                             |
      | Friday 2026-03-06 18:00   | 3d       | Monday 2026-03-09 18:00 | three days are 72 hours, weekend included           |
      | Friday 2026-03-27 12:00   | 3d       | Monday 2026-03-30 13:00 | 72 hours across the spring change                   |
      | Saturday 2026-03-28 23:00 | 4h       | Sunday 2026-03-29 04:00 | the wall clock jumps from 02:00 to 03:00            |
      | Saturday 2026-10-24 22:00 | 6h       | Sunday 2026-10-25 03:00 | the wall clock goes back from 03:00 to 02:00        |
      | Thursday 2026-12-31 22:00 | 4h       | Friday 2027-01-01 02:00 | New Year's Day is a holiday only on other calendars |

  Scenario: Days are refused on a calendar with business hours
    When someone asks for the deadline of 3d on "madrid-office" from Monday 2026-03-02 09:00 in Madrid
    Then the desk refuses it with InvalidValueError for an invalid duration
    And the refusal says "days are only accepted on 24x7, not on madrid-office"

  Scenario: Days are refused in a policy target on a calendar with business hours
    When the desk imports the SLA policy "weekly" with these targets:
      | priority | response | resolution | calendar      |
      | P5       | 8h       | 5d         | madrid-office |
    Then the desk refuses it with ConfigFileError, naming the file "weekly.toml" and the key policy.targets.P5.resolution
    And the refusal says "days are only accepted on 24x7, not on madrid-office"
    And the desk has no SLA policy "weekly"

  Scenario: Days are accepted in a policy target on 24x7
    When the desk imports the SLA policy "weekly" with these targets:
      | priority | response | resolution | calendar |
      | P5       | 8h       | 5d         | 24x7     |
    Then the desk accepts it
    And the resolution target of P5 in "weekly" is 120 hours

  Scenario Outline: A malformed calendar file is refused with what to fix: the file, the key, what was expected
    Given a copy of "madrid-office.toml" saved as "<file>", with <line> in [<table>]
    When the desk imports the calendar file "<file>"
    Then the desk refuses it with ConfigFileError, naming the file "<file>", the key <key> and what was expected: "<expected>"
    And the calendar "madrid-office" in the desk is unchanged

    Examples:
      | file         | table             | line                                 | key                           | expected                                                         |
      | tuesday.toml | calendar.hours    | tue = ["9:00-18:00"]                 | calendar.hours.tue[0]         | an interval "HH:MM-HH:MM"                                        |
      | lunch.toml   | calendar.hours    | mon = ["09:00-14:00", "15:00-14:30"] | calendar.hours.mon[1]         | an interval that ends by 09:00, when tue's first interval starts |
      | empty.toml   | calendar.hours    | fri = ["09:00-09:00"]                | calendar.hours.fri[0]         | a start and an end that differ (00:00-24:00 is a whole day)      |
      | overlap.toml | calendar.hours    | thu = ["09:00-14:00", "13:00-18:00"] | calendar.hours.thu[1]         | intervals in order that do not overlap the one before            |
      | late.toml    | calendar.hours    | fri = ["09:00-25:00"]                | calendar.hours.fri[0]         | times from 00:00 to 24:00                                        |
      | weekday.toml | calendar.hours    | tues = ["09:00-18:00"]               | calendar.hours.tues           | a weekday: mon … sun                                             |
      | zone.toml    | calendar          | timezone = "Europe/Madird"           | calendar.timezone             | an IANA time zone such as Europe/Madrid                          |
      | country.toml | calendar.holidays | country = "SP"                       | calendar.holidays.country     | an ISO 3166 country code known to the holidays package           |
      | region.toml  | calendar.holidays | subdivision = "MAD"                  | calendar.holidays.subdivision | a subdivision of ES                                              |
      | dates.toml   | calendar.holidays | dates = ["24/12/2026"]               | calendar.holidays.dates[0]    | a date YYYY-MM-DD                                                |

  Scenario: A misspelt table in a calendar file is refused, not silently ignored
    Given a copy of "madrid-office.toml" saved as "typo.toml", with [calendar.holidays] spelt [calendar.hollidays]
    When the desk imports the calendar file "typo.toml"
    Then the desk refuses it with ConfigFileError, naming the file "typo.toml" and the key calendar.hollidays
    And the refusal says "expected only name, timezone, hours and holidays"
    And the calendar "madrid-office" in the desk is unchanged
