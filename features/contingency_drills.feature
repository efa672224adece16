Feature: Contingency drills
  A service-desk lead rehearses the contingency plan twice a year. Instead of a paper
  exercise, a drill plays a day of traffic through the real desk on virtual time — on a
  scratch copy, never the live desk — and compares it with the same day without the
  incident (the baseline, with the same random seed), so the lead sees what the outage
  or the storm costs and what each move of the plan is worth.

  Scenario: A site outage during the Monday peak costs service level
    When the lead runs the drill "drill-monday-outage.toml" with seed 7
    Then the drill and its baseline were offered the same 254 voice calls of acme
    And acme's voice service level is lower in the drill than in the baseline
    And more of acme's callers hang up in the drill than in the baseline
    And the live desk has no incidents

  Scenario: A storm surge on voice, with IVR self-service and diversion to the pool
    When the lead runs the drill "drill-storm-surge.toml" with seed 3
    Then acme was offered more voice calls in the drill than in the baseline
    And the IVR resolved part of acme's voice calls in the drill and none in the baseline
    And the shared pool answered part of acme's voice calls in the drill and none in the baseline

  Scenario: Working from home at half capacity in contingency mode
    Given this drill scenario "remote.toml":
      """
      [drill]
      name = "Madrid works from home"
      start = "2026-03-02T09:00:00Z"
      hours = 2
      [desk]
      [[desk.tenants]]
      name = "acme"
      model = "dedicated"
      manager = "sofia"
      [[desk.teams]]
      name = "acme-desk"
      kind = "dedicated"
      tenant = "acme"
      [[desk.agents]]
      prefix = "madrid"
      count = 2
      teams = ["acme-desk"]
      site = "madrid"
      capacity = { chat = 4 }
      [[arrivals]]
      tenant = "acme"
      channel = "chat"
      per_hour = 40
      [handling.chat]
      mean_seconds = 600
      [[events]]
      kind = "outage"
      site = "madrid"
      mode = "remote"
      factor = 0.5
      at = "09:00"
      """
    When the lead runs the drill "remote.toml" with seed 1
    Then acme's chat occupancy is higher in the drill than in the baseline
    And the live desk's contingency mode is still off

  Scenario: The same seed gives the same drill
    When the lead runs the drill "drill-storm-surge.toml" with seed 5
    And the lead runs the drill "drill-storm-surge.toml" with seed 5 again
    Then both runs give the same figures

  Scenario: Drills are recorded for the twice-yearly review
    When the lead runs the drill "drill-storm-surge.toml" with seed 3
    Then the drill history lists "Storm surge on voice" with seed 3 and its results

  Scenario: A scenario that cannot be read is refused
    Given this drill scenario "broken.toml":
      """
      [drill]
      name = "no traffic"
      start = "2026-03-02T09:00:00Z"
      [desk]
      """
    When the lead runs the drill "broken.toml" with seed 1
    Then the drill is refused with "invalid scenario" and "arrivals"
