# Import an existing member by its id (a UUID); the tokenhub_member data source finds the id
# by username.
terraform import tokenhub_member.ci 3e0c7c56-5f0e-4d8b-9a59-6b1f2d4c8e21
