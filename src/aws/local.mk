# src/aws: SigV4 signer, credentials, Bedrock client (the only place that
# speaks curl and OpenSSL HMAC).
libdocxp_a_SOURCES += \
	src/aws/sigv4.c src/aws/sigv4.h \
	src/aws/credentials.c src/aws/credentials.h
libdocxp_a_SOURCES += src/aws/bedrock.c src/aws/bedrock.h
