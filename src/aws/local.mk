# src/aws: SigV4 signer, credentials, Bedrock client (the only place that
# speaks curl and OpenSSL HMAC).
libdocxp_a_SOURCES += \
	src/aws/sigv4.c src/aws/sigv4.h \
	src/aws/credentials.c src/aws/credentials.h
libdocxp_a_SOURCES += src/aws/bedrock.c src/aws/bedrock.h
# the credential provider chain of docxp-credentials
libdocxp_a_SOURCES += src/aws/credchain.c src/aws/credchain.h src/aws/awsini.c src/aws/awsini.h \
	src/aws/sts.c src/aws/sts.h src/aws/awshttp.c src/aws/awshttp.h src/aws/credfile.c src/aws/credfile.h
