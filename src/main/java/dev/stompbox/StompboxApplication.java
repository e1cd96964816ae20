package dev.stompbox;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class StompboxApplication {

	public static void main(String[] args) {
		SpringApplication.run(StompboxApplication.class, args);
	}

}
