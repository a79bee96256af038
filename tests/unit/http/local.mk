# unit tests of src/http (cmocka): add check_PROGRAMS/TESTS here
