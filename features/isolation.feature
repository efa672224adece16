Feature: Isolation between tenants
  In order that no client company ever sees or touches another's incidents
  As the lead of a service desk that supports several client companies (tenants)
  I want every agent and every tenant user limited to the incidents they may see and change

  An agent sees and changes only the incidents of the tenants its teams serve (a dedicated
  team serves its tenant; the shared pool serves the shared and hybrid tenants; a specialist
  group serves no tenant), and the incidents assigned to it or to its team. A tenant user
  sees only its own tenant's incidents, without internal work notes or logged work, and may
  open, comment on, reopen and cancel them, but not work them. A refused access changes
  nothing, and is recorded: who tried what, on which incident, and why it was refused.

  Times are Paris time. Each scenario starts on Monday 2 March 2026 at 09:00.

  Background:
    Given the shared pool works round the clock
    And the Network specialist group works round the clock
    And tenant Acme is served by a dedicated team on weekdays 08:00–18:00 Paris time
    And tenant Globex is served by a dedicated team on weekdays 08:00–18:00 Paris time, and by the shared pool on nights, weekends and overflow
    And tenant Initech is served by the shared pool
    And Ana works in Acme's dedicated team
    And Gil works in Globex's dedicated team
    And Cy works in the shared pool
    And Ned works in the Network group
    And every agent is available
    And these incidents, each taken by the agent the router chose:
      | incident       | tenant  | taken by |
      | Printer jam    | Acme    | Ana      |
      | VPN down       | Globex  | Gil      |
      | Password reset | Initech | Cy       |

  # --- agents -----------------------------------------------------------------------------

  Scenario Outline: An agent sees only the incidents of the tenants its teams serve
    Then agent <agent> sees <incidents>

    Examples:
      | agent | incidents                | because                                              |
      | Ana   | Printer jam              | her team is dedicated to Acme                        |
      | Gil   | VPN down                 | his team is dedicated to Globex                      |
      | Cy    | VPN down, Password reset | the shared pool serves the hybrid and shared tenants |
      | Ned   | nothing                  | a specialist group serves no tenant                  |

  Scenario Outline: Whatever an agent tries on an incident of a tenant it does not serve is refused
    When agent Cy tries to <action> "Printer jam"
    Then access is denied because "Cy's teams do not serve tenant Acme"
    And the incident is unchanged
    And the refused accesses recorded are:
      | actor | kind  | action     | incident    | tenant | reason                              |
      | Cy    | agent | <recorded> | Printer jam | Acme   | Cy's teams do not serve tenant Acme |

    Examples:
      | action                        | recorded |
      | read                          | show     |
      | read the history of           | history  |
      | start                         | start    |
      | comment on                    | comment  |
      | log 30 minutes of work on     | log work |
      | resolve                       | resolve  |
      | escalate to the Network group | escalate |

  Scenario: An agent may work an incident assigned to it, whatever its tenant
    Given "Printer jam" is assigned by hand to Cy of the shared pool
    Then agent Cy sees Printer jam, VPN down, Password reset
    When agent Cy tries to start "Printer jam"
    Then the desk accepts it
    And "Printer jam" is in_progress

  Scenario: A specialist sees an incident once it is escalated to its group
    When Gil escalates "VPN down" to the Network group
    Then agent Ned sees VPN down
    When agent Ned tries to comment on "VPN down"
    Then the desk accepts it
    But agent Ned still may not read "Printer jam"

  # --- tenant users -----------------------------------------------------------------------

  Scenario: A tenant user sees only its own tenant's incidents
    Then Carla of Initech sees Password reset
    And Gina of Globex sees VPN down

  Scenario Outline: A tenant user may not look into another tenant's incident
    When Carla of Initech tries to <action> "Printer jam"
    Then access is denied because "the incident belongs to another tenant (Acme)"
    And the incident is unchanged
    And the refused accesses recorded are:
      | actor | kind        | action     | incident    | tenant | reason                                        |
      | Carla | tenant_user | <recorded> | Printer jam | Acme   | the incident belongs to another tenant (Acme) |

    Examples:
      | action              | recorded |
      | read                | show     |
      | read the history of | history  |
      | comment on          | comment  |
      | cancel              | cancel   |

  Scenario: A tenant user may neither list another tenant's incidents nor open one for it
    When Carla of Initech tries to list the incidents of Acme
    Then access is denied
    When Carla of Initech tries to open an incident for Acme
    Then access is denied
    And Acme still has 1 incident
    And the refused accesses recorded are:
      | actor | kind        | action | incident | tenant |
      | Carla | tenant_user | list   | (none)   | Acme   |
      | Carla | tenant_user | open   | (none)   | Acme   |

  Scenario: A tenant user opens incidents for its own tenant
    When Carla of Initech opens the incident "Cannot print"
    Then "Cannot print" belongs to Initech
    And Carla of Initech sees Password reset, Cannot print
    And agent Ana sees Printer jam

  Scenario Outline: A tenant user may follow up its own incidents, but not work them
    When Carla of Initech tries to <action> "Password reset"
    Then <outcome>

    Examples:
      | action                        | outcome                                                             |
      | read                          | the desk accepts it                                                 |
      | comment on                    | the desk accepts it                                                 |
      | cancel                        | the desk accepts it                                                 |
      | start                         | access is denied because "a tenant user may not start incidents"    |
      | resolve                       | access is denied because "a tenant user may not resolve incidents"  |
      | escalate to the Network group | access is denied because "a tenant user may not escalate incidents" |

  Scenario: A tenant user sees neither internal work notes nor logged work
    Given agent Cy commented "We are resetting it now" on "Password reset"
    And agent Cy added the internal work note "Caller is on the VIP list" to "Password reset"
    And agent Cy logged 20 minutes of work on "Password reset"
    Then Carla of Initech reads "Password reset" with these comments only:
      | by | text                    |
      | Cy | We are resetting it now |
    And Carla of Initech reads "Password reset" with no work time
    And the history Carla of Initech reads of "Password reset" shows neither the work note nor the work logged
    But agent Cy reads "Password reset" with 20 minutes of work and 2 comments
