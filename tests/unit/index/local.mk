# unit tests of src/index (cmocka): add check_PROGRAMS/TESTS here
