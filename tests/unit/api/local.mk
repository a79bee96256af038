# unit tests of src/api (cmocka): add check_PROGRAMS/TESTS here
