# unit tests of src/extract (cmocka): add check_PROGRAMS/TESTS here
