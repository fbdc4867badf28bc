# By account ID: the next plan adopts the members the configuration lists.
terraform import iam_account_members.staff 0123456789abcdef0123456789abcdef
