Feature: A customer can be forgotten, and the desk can be backed up and restored
  In order to honour a customer's right to erasure without losing the record of the work
  we did for them, and to recover the desk after losing its database
  As the data protection officer of a service desk
  I want forgetting a customer to erase everything personal about them for good, while
  their incidents keep their history and our figures, and a backup that restores the
  same desk on another database

  Customers write to the desk by email; the agent Bob answers them.

  Scenario: Forgetting a customer erases what was personal and keeps the incidents
    Given "Ana López" <ana@acme.example> wrote "The VPN drops every hour" and Bob fixed it
    When the data protection officer forgets ana@acme.example because "erasure request 114"
    Then her incident is still closed, with its whole history
    And its summary, caller and every message read "[erased]"
    And the desk's figures are the same as before she was forgotten
    And the audit trail says the data protection officer forgot her because "erasure request 114"
    And a new message from ana@acme.example comes from a new contact

  Scenario: A customer whose incident is still open is forgotten only when forced
    Given "Ana López" <ana@acme.example> wrote "The printer jams"
    When the data protection officer forgets ana@acme.example because "erasure request 115"
    Then the desk refuses, naming her open incident
    When the data protection officer forces forgetting ana@acme.example
    Then her incident is still open and its messages read "[erased]"

  Scenario: A backup restored on another database gives back the same desk
    Given "Ana López" <ana@acme.example> wrote "The VPN drops every hour" and Bob fixed it
    And "Ben Ortiz" <ben@acme.example> wrote "The printer jams"
    When the desk's events and keys are backed up and restored on a new database
    Then the new desk shows the same incidents, contacts and figures
    And restoring the same backup on the new desk again is refused
