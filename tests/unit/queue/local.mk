# unit tests of src/queue (cmocka): add check_PROGRAMS/TESTS here
