# unit tests of src/store (cmocka): add check_PROGRAMS/TESTS here
